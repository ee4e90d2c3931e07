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
      "own key, plus OriginalStatusCode, StatusCode and ErrorMessage. Data keys nest: a page of "
      "contacts is Contacts.Contacts, with its totals beside it. StatusCode -1: the arguments "
      "were invalid and nothing was sent; fix them as ErrorMessage says. StatusCode 200: "
      "ActiveCampaign answered with HTTP status OriginalStatusCode; a non-empty ErrorMessage "
      "explains a "
      "refusal (not found, duplicate, validation). StatusCode 500: no usable answer (timeout, "
      "network, "
      "upstream error); the call may be retried. A result is an error exactly when ErrorMessage "
      "is not empty.\n"
      "IDs are numbers that come from the get-many tools or from the create tools' results: look "
      "a record up rather than guessing an ID. Money is in whole cents ($12.34 = 1234). Deletes "
      "are permanent. Get-many tools page with Limit and Offset (next page: Offset + Limit); use "
      "a small Limit unless exporting. Records come without null fields and links unless the "
      "server is set to full results, and a page too long for one result is cut at a whole "
      "record, with a note saying which Offset continues.";
  if (sandbox) {
    text +=
        "\nThis server is running in SANDBOX mode against a built-in emulator with demo data: "
        "nothing reaches a real ActiveCampaign account, and changes are lost when the server "
        "stops.";
  }
  return text;
}

}  // namespace acmcp::app
