// Faults for the sandbox: test builds make the upstream fail the way a network, a proxy or an
// overloaded ActiveCampaign does, through the sandbox's exchange hook.
#pragma once
#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "sandbox/sandbox_server.hpp"

namespace acmcp::testkit {

// A fault the sandbox injects instead of (or before) answering normally.
struct Fault {
  enum class Kind {
    Status,   // answer `status` with `body` (raw text) and `headers`
    Delay,    // wait `delay`, then answer normally
    Reset,    // close the connection without answering
    NonJson,  // answer 200 with a body that is not JSON
    // The kinds below let the store handle the request first (a write takes effect), then spoil
    // the answer on the wire, as a failing network or proxy would.
    ResetAfterHeaders,   // send the response headers, then reset the connection
    StallBeforeHeaders,  // send nothing for `delay`, then close
    StallMidBody,        // send the headers and half the body, then nothing for `delay`, close
    Truncated,           // a complete HTTP message whose JSON body is cut in half
    Oversized,           // answer 200 with a JSON body of `size` bytes
    ContentType,         // answer `status` with `body` labelled `content_type`
  };
  Kind kind = Kind::Status;
  std::string method;       // "" = any method
  std::string path_prefix;  // matched against the path after /api/3; "" = any path
  int count = 1;            // how many matching requests it applies to; -1 = forever
  int status = 500;
  std::string body = "{}";
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};
  std::size_t size = 0;                                   // Oversized: body length in bytes
  std::string content_type = "text/html; charset=utf-8";  // ContentType
};

// Faults apply in the order added; the first that matches a request is used.
void add_fault(sandbox::SandboxServer& server, Fault fault);
void clear_faults(sandbox::SandboxServer& server);

}  // namespace acmcp::testkit
