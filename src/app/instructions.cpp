// Instructions for the model, kept in one place so they are easy to review and test.
#include "app/instructions.hpp"

namespace acmcp::app {

std::string instructions_text(bool sandbox) {
  std::string text =
      "This server gives access to an ActiveCampaign account through its v3 API: contacts "
      "(create or update, find, tag, add to or remove from lists), lists, tags, "
      "deals with their pipelines, stages and notes, accounts and account contacts, and "
      "ecommerce (connections, customers, orders and products).\n"
      "Every tool returns one JSON object (also sent as text): the operation's data under its "
      "own key (for example Contacts or Deal) plus OriginalStatusCode, StatusCode and "
      "ErrorMessage. StatusCode -1 means the input was invalid and nothing was sent to "
      "ActiveCampaign: fix the arguments as ErrorMessage says. StatusCode 200 means "
      "ActiveCampaign answered; OriginalStatusCode is its HTTP status, and a non-empty "
      "ErrorMessage explains a refusal (not found, duplicate, validation). StatusCode 500 means "
      "no usable answer came back (timeout, network failure, upstream error); the call may be "
      "retried. A result is an error exactly when ErrorMessage is not empty.\n"
      "IDs (contact, list, tag, deal, pipeline, stage, account, connection, customer, order) are "
      "numbers that come from the get-many and list tools: look a record up first rather than "
      "guessing an ID. Money amounts are in cents. Get-many tools take Limit (1-100) and Offset "
      "for paging.";
  if (sandbox) {
    text +=
        "\nThis server is running in SANDBOX mode against a built-in emulator with demo data: "
        "nothing reaches a real ActiveCampaign account, and changes are lost when the server "
        "stops.";
  }
  return text;
}

}  // namespace acmcp::app
