// Runs Client::send to completion on a test's io_context.
#pragma once
#include "activecampaign/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <utility>

namespace acmcp::ac::testing {

inline Response send_now(boost::asio::io_context& io, Upstream& client, Request request,
                         SendObserver observer = {}) {
  std::optional<Response> result;
  boost::asio::co_spawn(io, client.send(std::move(request), std::move(observer)),
                        [&result](std::exception_ptr error, Response response) {
                          if (error) std::rethrow_exception(error);
                          result = std::move(response);
                        });
  io.restart();
  io.run();
  return result.value();
}

inline Request get(std::string path) { return Request{"GET", std::move(path), {}, std::nullopt}; }

inline Request post(std::string path, nlohmann::json body = nlohmann::json::object()) {
  return Request{"POST", std::move(path), {}, std::move(body)};
}

}  // namespace acmcp::ac::testing
