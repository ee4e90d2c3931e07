// Strictly increasing progress values for a tool call's steps and waits.
#include "tools/progress_tracker.hpp"

namespace acmcp::tools {

double ProgressTracker::after_last() {
  ++waits_since_step_;
  return base_ + static_cast<double>(waits_since_step_) / (waits_since_step_ + 1);
}

void ProgressTracker::step(double step, double total, const std::string& message) {
  std::lock_guard lock(mutex_);
  double value = step;
  if (last_ && value <= *last_) {
    value = after_last();
  } else {
    base_ = value;
    waits_since_step_ = 0;
  }
  total_ = total;
  last_ = value;
  report_(value, total > 0 && total >= value ? total : 0, message);
}

void ProgressTracker::wait(const std::string& message) {
  std::lock_guard lock(mutex_);
  const double value = after_last();
  last_ = value;
  report_(value, total_ > value ? total_ : 0, message);
}

boost::asio::awaitable<ac::Response> ProgressUpstream::send(ac::Request request,
                                                            ac::SendObserver observer) {
  if (tracker_) {
    observer.on_wait = [tracker = tracker_,
                        outer = std::move(observer.on_wait)](const std::string& what) {
      tracker->wait(what);
      if (outer) outer(what);
    };
  }
  request.caller = caller_;
  request.account = account_;
  co_return co_await inner_.send(std::move(request), std::move(observer));
}

}  // namespace acmcp::tools
