#include "util/json_parse.hpp"

#include <cstring>

namespace acmcp::util {

namespace {

using json = nlohmann::json;

// nlohmann's own DOM builder, stopped at the first level past the limit.
class BoundedSax : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  BoundedSax(json& result, std::size_t max_depth)
      : json_sax_dom_parser(result, /*allow_exceptions=*/false), max_depth_(max_depth) {}

  bool start_object(std::size_t elements) {
    return enter() && json_sax_dom_parser::start_object(elements);
  }
  bool start_array(std::size_t elements) {
    return enter() && json_sax_dom_parser::start_array(elements);
  }
  bool end_object() {
    --depth_;
    return json_sax_dom_parser::end_object();
  }
  bool end_array() {
    --depth_;
    return json_sax_dom_parser::end_array();
  }

  bool too_deep() const { return too_deep_; }

 private:
  bool enter() {
    if (++depth_ <= max_depth_) return true;
    too_deep_ = true;
    return false;
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

ParsedJson parse_json(std::string_view text, std::size_t max_depth) {
  ParsedJson parsed;
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) {
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
