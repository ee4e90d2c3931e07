// The credential check: the same client, retries and error wording as a tool call, run once on a
// private io_context.
#include "app/check.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <memory>
#include <ostream>
#include <string>

#include "activecampaign/client.hpp"
#include "sandbox/sandbox_server.hpp"
#include "tools/envelope.hpp"

// GCC 12 inlines the frame deallocation of a coroutine spawned in the same translation unit and
// then mistakes Asio's sized frame operator delete for a mismatch with its operator new.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace acmcp::app {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

tools::OperationLabel label(std::string title) {
  tools::OperationLabel label;
  label.title = std::move(title);
  return label;
}

std::string text_of(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Maton's connection list; the shape is read leniently (an array, or one under "connections"),
// since the check's verdict does not depend on it.
asio::awaitable<void> list_connections(asio::any_io_executor executor, const Config& config,
                                       std::ostream& out) {
  ac::ClientConfig control = config.upstream;
  control.service = ac::Service::kMatonControl;
  control.api_url = config.maton.ctrl_url;
  control.connection.clear();
  control.max_retries = 1;
  ac::Client client(executor, control);
  ac::Request request;
  request.method = "GET";
  request.path = "/connections";
  request.query = {{"app", "active-campaign"}, {"status", "ACTIVE"}};
  const ac::Response response = co_await client.send(std::move(request));
  if (!tools::succeeded(response)) {
    out << "- " << tools::failure_message(label("Listing the Maton connections"), response) << '\n';
    co_return;
  }
  const json* list = &response.body;
  if (response.body.is_object() && response.body.contains("connections")) {
    list = &response.body.at("connections");
  }
  if (!list->is_array()) {
    out << "- Maton answered the connection list in a form this check does not know\n";
    co_return;
  }
  out << "- active ActiveCampaign connections at Maton: " << list->size() << '\n';
  bool chosen_found = false;
  for (const auto& item : *list) {
    if (!item.is_object()) continue;
    std::string id = text_of(item, "connection_id");
    if (id.empty()) id = text_of(item, "id");
    chosen_found = chosen_found || (!id.empty() && id == config.maton.connection);
    out << "  " << id << " (" << text_of(item, "status") << ", created "
        << text_of(item, "creation_time") << ")\n";
  }
  if (list->empty()) {
    out << "  none: create one at https://ctrl.maton.ai (app active-campaign)\n";
  } else if (!config.maton.connection.empty() && !chosen_found) {
    out << "- MATON_CONNECTION " << config.maton.connection << " is not among them\n";
  }
}

asio::awaitable<int> check(asio::any_io_executor executor, const Config& config,
                           ac::ClientConfig upstream, std::string where, std::ostream& out) {
  out << "Checking " << where << '\n';
  if (upstream.service == ac::Service::kMatonGateway) {
    co_await list_connections(executor, config, out);
  }
  upstream.max_retries = 1;
  ac::Client client(executor, upstream);
  ac::Request request;
  request.method = "GET";
  request.path = "/users/me";
  const ac::Response response = co_await client.send(std::move(request));
  if (!tools::succeeded(response)) {
    out << "FAILED: "
        << tools::failure_message(label("Reading the user of the credentials"), response) << '\n';
    co_return 1;
  }
  const json user =
      response.body.is_object() ? response.body.value("user", json::object()) : json::object();
  out << "OK: the credentials are accepted";
  if (user.is_object()) {
    const std::string name = text_of(user, "username");
    const std::string email = text_of(user, "email");
    if (!name.empty() || !email.empty()) {
      out << " (user " << name << (email.empty() ? "" : " <" + email + ">") << ")";
    }
  }
  out << '\n';
  co_return 0;
}

}  // namespace

int check_upstream(const Config& config, std::ostream& out) {
  asio::io_context io;
  std::unique_ptr<sandbox::SandboxServer> sandbox;
  ac::ClientConfig upstream = config.upstream;
  std::string where;
  if (config.sandbox) {
    sandbox = std::make_unique<sandbox::SandboxServer>(io.get_executor());
    upstream.service = ac::Service::kActiveCampaign;
    upstream.api_url = sandbox->base_url();
    upstream.token = sandbox->token();
    where = "the built-in sandbox";
  } else if (upstream.service == ac::Service::kMatonGateway) {
    where = "ActiveCampaign through the Maton gateway at " + upstream.api_url +
            (config.maton.connection.empty() ? std::string(" (default connection)")
                                             : " (connection " + config.maton.connection + ")");
  } else {
    where = "ActiveCampaign at " + upstream.api_url;
  }
  int exit_code = 1;
  // The sandbox keeps the io_context busy, so the verdict stops it.
  asio::co_spawn(io, check(io.get_executor(), config, upstream, where, out),
                 [&](std::exception_ptr error, int code) {
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       out << "FAILED: " << e.what() << '\n';
                     }
                   } else {
                     exit_code = code;
                   }
                   io.stop();
                 });
  io.run();
  if (sandbox) sandbox->stop();
  return exit_code;
}

}  // namespace acmcp::app
