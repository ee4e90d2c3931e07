// Progress for one tool call: the handler's steps and the client's waits (retries, rate limit)
// become strictly increasing progress values, as notifications/progress requires.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "activecampaign/upstream.hpp"

namespace acmcp::tools {

class ProgressTracker {
 public:
  // total <= 0 means unknown.
  using Report = std::function<void(double progress, double total, const std::string& message)>;
  explicit ProgressTracker(Report report) : report_(std::move(report)) {}

  // Step `step` of `total` began. Steps keep their own values when they increase, so a client
  // sees "1 of 2"; one that would not increase is placed after the last report instead.
  void step(double step, double total, const std::string& message);
  // The call waits (a retry or the rate limit): reported between the last step and the next,
  // at last_step + k/(k+1) for the k-th wait since that step.
  void wait(const std::string& message);

 private:
  double after_last();  // the next in-between value; the lock is held

  std::mutex mutex_;
  Report report_;
  std::optional<double> last_;
  double base_ = 0;  // the last step's value
  int waits_since_step_ = 0;
  double total_ = 0;
};

// The upstream as one tool call sees it: its requests carry the calling session (for fair turns
// at the rate limit) and the account that session's client supplied, and the client's wait
// reports become progress of the call.
class ProgressUpstream final : public ac::Upstream {
 public:
  ProgressUpstream(ac::Upstream& inner, std::shared_ptr<ProgressTracker> tracker,
                   std::uint64_t caller, std::shared_ptr<const ac::Account> account = nullptr)
      : inner_(inner),
        tracker_(std::move(tracker)),
        caller_(caller),
        account_(std::move(account)) {}
  boost::asio::awaitable<ac::Response> send(ac::Request request,
                                            ac::SendObserver observer = {}) override;

 private:
  ac::Upstream& inner_;
  std::shared_ptr<ProgressTracker> tracker_;  // null when the client asked for no progress
  std::uint64_t caller_;
  std::shared_ptr<const ac::Account> account_;
};

}  // namespace acmcp::tools
