#include "util/json_parse.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "util/compact_json.hpp"

namespace acmcp::util {

namespace {

using json = nlohmann::json;

bool is_integer_literal(const std::string& text) {
  const std::size_t first = !text.empty() && text[0] == '-' ? 1 : 0;
  return text.size() > first &&
         std::all_of(text.begin() + first, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// nlohmann's own DOM builder, stopped at the first level past the limit. It also keeps JSON-RPC
// ids (a message's "id", and the "requestId" its params name) that are integers beyond 64 bits
// as raw_json text: nlohmann would hold them as doubles, and the answer would carry another id.
class BoundedSax : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  BoundedSax(json& result, std::size_t max_depth)
      : json_sax_dom_parser(result, /*allow_exceptions=*/false), max_depth_(max_depth) {}

  bool start_object(std::size_t elements) {
    return enter(true) && json_sax_dom_parser::start_object(elements);
  }
  bool start_array(std::size_t elements) {
    return enter(false) && json_sax_dom_parser::start_array(elements);
  }
  bool end_object() {
    leave();
    return json_sax_dom_parser::end_object();
  }
  bool end_array() {
    leave();
    return json_sax_dom_parser::end_array();
  }
  bool key(std::string& name) {
    if (depth_ <= frames_.size()) frames_[depth_ - 1].key = name;
    return json_sax_dom_parser::key(name);
  }
  bool number_float(double value, const std::string& text) {
    if (is_request_id() && is_integer_literal(text)) {
      json::binary_t raw(json::binary_t::container_type(text.begin(), text.end()), kRawJsonSubtype);
      return json_sax_dom_parser::binary(raw);
    }
    return json_sax_dom_parser::number_float(value, text);
  }

  bool too_deep() const { return too_deep_; }

 private:
  struct Frame {
    bool object = false;
    std::string key;  // the member being read, in an object
  };

  bool enter(bool object) {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    // Only the levels where a message and its params sit are tracked: a batch, a message,
    // its params.
    if (depth_ <= frames_.size()) frames_[depth_ - 1] = Frame{object, {}};
    return true;
  }
  void leave() { --depth_; }

  // Whether the value being read is a message's id or its params' requestId.
  bool is_request_id() const {
    if (depth_ == 0 || depth_ > frames_.size() || !frames_[depth_ - 1].object) return false;
    const std::size_t message = frames_[0].object ? 0 : 1;  // a batch holds messages
    if (depth_ - 1 == message) return frames_[message].key == "id";
    return depth_ - 1 == message + 1 && frames_[message].key == "params" &&
           frames_[message + 1].key == "requestId";
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
  std::vector<Frame> frames_ = std::vector<Frame>(3);
};

}  // namespace

ParsedJson parse_json(std::string_view text, std::size_t max_depth) {
  ParsedJson parsed;
  if (text.find('\0') != std::string_view::npos) {
    parsed.value = json(json::value_t::discarded);
    parsed.error = ParsedJson::Error::kSyntax;
    parsed.detail = "a raw NUL byte is not allowed in JSON text";
    return parsed;
  }
  BoundedSax sax(parsed.value, max_depth);
  const bool ok =
      json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json,
                      /*strict=*/true);
  if (ok) return parsed;
  parsed.value = json(json::value_t::discarded);
  if (sax.too_deep()) {
    parsed.error = ParsedJson::Error::kTooDeep;
    parsed.detail = "JSON nested deeper than " + std::to_string(max_depth) + " levels";
  } else {
    parsed.error = ParsedJson::Error::kSyntax;
    parsed.detail = "invalid JSON";
  }
  return parsed;
}

}  // namespace acmcp::util
