// Builds envelopes and turns upstream failures into sentences a person or a model can act on.
#include "tools/envelope.hpp"

#include <string>
#include <vector>

#include "util/join.hpp"

namespace acmcp::tools {

using json = nlohmann::json;

namespace {

std::string trim_final_period(std::string text) {
  while (!text.empty() && (text.back() == '.' || text.back() == ' ' || text.back() == '\n')) {
    text.pop_back();
  }
  return text;
}

std::vector<std::string> error_titles(const json& body) {
  std::vector<std::string> titles;
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array()) return titles;
  for (const auto& error : body["errors"]) {
    if (error.is_object() && error.contains("title") && error["title"].is_string()) {
      titles.push_back(trim_final_period(error["title"].get<std::string>()));
    } else if (error.is_string()) {
      titles.push_back(trim_final_period(error.get<std::string>()));
    }
  }
  return titles;
}

// The upstream's own explanation, whichever form it took ({message}, {errors: [{title}]}, {error},
// or a gateway's {error: {message}}).
std::string upstream_explanation(const json& body) {
  if (body.is_object()) {
    if (const auto error = body.find("error"); error != body.end() && error->is_object()) {
      return upstream_explanation(*error);
    }
    for (const char* key : {"message", "error"}) {
      if (body.contains(key) && body[key].is_string() && !body[key].get<std::string>().empty()) {
        return trim_final_period(body[key].get<std::string>());
      }
    }
    auto titles = error_titles(body);
    if (!titles.empty()) return util::join(titles, "; ");
  }
  return "";
}

std::string http_detail(int status, const std::string& explanation) {
  std::string detail = "HTTP " + std::to_string(status);
  if (!explanation.empty()) detail += ": " + explanation;
  return detail;
}

std::string prefix(const OperationLabel& label) {
  std::string text = label.title + " failed";
  if (!label.step.empty()) text += " while " + label.step;
  return text + ": ";
}

}  // namespace

// The data key goes in first and the fixed keys do not replace it.
json Envelope::to_json() && {
  json object = json::object();
  object.emplace(data_key, std::move(data));
  object.emplace("OriginalStatusCode", original_status);
  object.emplace("StatusCode", status_code);
  object.emplace("ErrorMessage", error_message);
  return object;
}

json Envelope::to_json() const& { return Envelope(*this).to_json(); }

bool succeeded(const ac::Response& response) {
  return response.error.empty() && response.status >= 200 && response.status < 300;
}

std::string failure_message(const OperationLabel& label, const ac::Response& response) {
  if (!response.error.empty()) {
    return prefix(label) + "no usable response from ActiveCampaign (" +
           trim_final_period(response.error) + "). The call may be retried.";
  }
  const int status = response.status;
  if (status >= 200 && status < 300) return "";
  const std::string explanation = upstream_explanation(response.body);
  if (!response.refusal.empty()) {
    return prefix(label) + response.refusal + " (" + http_detail(status, explanation) + "). " +
           response.advice;
  }
  if (status == 404) {
    const std::string what = label.not_found.empty() ? "the requested record" : label.not_found;
    return prefix(label) + what + " was not found (" + http_detail(status, explanation) +
           "). Check the ID, e.g. with the matching get-many tool.";
  }
  if (status == 422) {
    auto titles = error_titles(response.body);
    const std::string reasons = titles.empty() ? explanation : util::join(titles, "; ");
    return prefix(label) + "ActiveCampaign rejected the data (HTTP 422" +
           (reasons.empty() ? std::string() : ": " + reasons) + ").";
  }
  if (status == 429) {
    const int retries = response.attempts > 0 ? response.attempts - 1 : 0;
    return prefix(label) + "the ActiveCampaign rate limit still held after " +
           std::to_string(retries) + (retries == 1 ? " retry" : " retries") + " (" +
           http_detail(status, explanation) + "). Wait a few seconds and try again.";
  }
  if (status >= 500) {
    return prefix(label) + "ActiveCampaign failed to handle the request (" +
           http_detail(status, explanation) + "). The call may be retried.";
  }
  return prefix(label) + "ActiveCampaign refused the request (" + http_detail(status, explanation) +
         ").";
}

void apply_response(Envelope& envelope, const OperationLabel& label, const ac::Response& response,
                    const json& empty_data) {
  envelope.original_status = response.status;
  envelope.status_code = response.error.empty() ? kCompleted : kNoResponse;
  envelope.error_message = failure_message(label, response);
  if (!envelope.error_message.empty()) envelope.data = empty_data;
}

Envelope invalid_input(const std::string& title, const std::string& data_key,
                       const json& empty_data, const std::string& message) {
  Envelope envelope;
  envelope.data_key = data_key;
  envelope.data = empty_data;
  envelope.original_status = 0;
  envelope.status_code = kInvalidInput;
  envelope.error_message = title + " failed: invalid arguments: " + message;
  return envelope;
}

mcp::ToolResult tool_result(Envelope envelope) {
  mcp::ToolResult result;
  result.status_code = envelope.status_code;
  result.is_error = !envelope.error_message.empty() || envelope.status_code == kInvalidInput ||
                    envelope.status_code == kNoResponse;
  result.envelope = std::move(envelope).to_json();  // the data can be a large record: moved
  return result;
}

}  // namespace acmcp::tools
