// One accepted HTTP connection: reads requests in turn (keep-alive), hands each to the MCP
// endpoint and writes the answer it gets back. Its definition (http_connection.cpp) is the only
// part of the transport that includes Beast; this header keeps Beast out of its users.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <exception>
#include <functional>
#include <memory>

#include "transport/http_transport.hpp"

namespace acmcp::transport {

class McpEndpoint;
struct Connection;  // opaque; touched only on the connection's own strand

// `socket` must run on a strand of its own; `options` must outlive the connection.
std::shared_ptr<Connection> make_connection(boost::asio::ip::tcp::socket socket,
                                            const HttpOptions& options);

// Between requests, or still reading a request's header: closing it loses nothing of ours.
// Safe from any thread.
bool is_idle(const Connection& connection);
// Closes the connection if it is still idle when the close gets its turn. Any thread.
void close_if_idle(const std::shared_ptr<Connection>& connection);
// Closes the connection whatever it is doing. Any thread.
void close_now(const std::shared_ptr<Connection>& connection);

// Starts serving requests on the connection's strand until the client leaves, a timeout passes
// or the endpoint stops; `ended` is then called on that strand (with the exception that ended
// it, if any). `endpoint` is kept alive until then.
void start_serving(std::shared_ptr<McpEndpoint> endpoint, std::shared_ptr<Connection> connection,
                   std::function<void(std::exception_ptr)> ended);

// Answers 503 on a connection there is no room for, then closes it.
void refuse_busy(boost::asio::ip::tcp::socket socket);

}  // namespace acmcp::transport
