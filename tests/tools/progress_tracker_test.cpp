// ProgressTracker and ProgressUpstream: steps and upstream waits become strictly increasing
// progress values.
#include "tools/progress_tracker.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <vector>

namespace acmcp::tools {
namespace {

struct Reported {
  double progress;
  double total;
  std::string message;
};

class ProgressTrackerTest : public testing::Test {
 protected:
  ProgressTracker tracker{[this](double progress, double total, const std::string& message) {
    reports.push_back({progress, total, message});
  }};
  std::vector<Reported> reports;

  std::vector<double> values() const {
    std::vector<double> out;
    for (const auto& report : reports) out.push_back(report.progress);
    return out;
  }
};

TEST_F(ProgressTrackerTest, IncreasingStepsKeepTheirValuesAndTotal) {
  tracker.step(0, 2, "first");
  tracker.step(1, 2, "second");
  EXPECT_EQ(values(), (std::vector<double>{0, 1}));
  EXPECT_EQ(reports[0].total, 2);
  EXPECT_EQ(reports[1].total, 2);
  EXPECT_EQ(reports[1].message, "second");
}

TEST_F(ProgressTrackerTest, WaitsFallBetweenSteps) {
  tracker.step(0, 2, "look up");
  tracker.wait("retrying");
  tracker.wait("retrying again");
  tracker.step(1, 2, "create");
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_DOUBLE_EQ(reports[1].progress, 0.5);
  EXPECT_GT(reports[2].progress, reports[1].progress);
  EXPECT_LT(reports[2].progress, 1);
  EXPECT_EQ(reports[3].progress, 1);
  EXPECT_EQ(reports[1].total, 2);
  EXPECT_EQ(reports[1].message, "retrying");
}

TEST_F(ProgressTrackerTest, WaitsWithoutStepsIncreaseWithUnknownTotal) {
  tracker.wait("a");
  tracker.wait("b");
  tracker.wait("c");
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_LT(reports[0].progress, reports[1].progress);
  EXPECT_LT(reports[1].progress, reports[2].progress);
  EXPECT_EQ(reports[0].total, 0);
}

TEST_F(ProgressTrackerTest, ManyWaitsStillIncrease) {
  tracker.step(0, 2, "");
  for (int i = 0; i < 500; ++i) tracker.wait("w");
  const auto all = values();
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_GT(all[i], all[i - 1]) << i;
  EXPECT_LT(all.back(), 1);
}

TEST_F(ProgressTrackerTest, StepThatWouldNotIncreaseIsPlacedAfterTheLast) {
  tracker.wait("waited first");
  tracker.step(0, 2, "step zero");
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_GT(reports[1].progress, reports[0].progress);
  EXPECT_EQ(reports[1].message, "step zero");
}

TEST_F(ProgressTrackerTest, RepeatedStepStillIncreases) {
  tracker.step(1, 0, "page 1");
  tracker.step(1, 0, "page 1 again");
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_GT(reports[1].progress, reports[0].progress);
}

TEST_F(ProgressTrackerTest, UnknownTotalStaysUnknown) {
  tracker.step(3, 0, "page 3");
  EXPECT_EQ(reports[0].total, 0);
}

// An upstream that reports one wait through its observer, then answers 200.
class WaitingUpstream final : public ac::Upstream {
 public:
  boost::asio::awaitable<ac::Response> send(ac::Request request,
                                            ac::SendObserver observer) override {
    last_caller = request.caller;
    if (observer.on_wait) observer.on_wait("waited 300 ms for the client-side rate limit");
    ac::Response response;
    response.status = 200;
    co_return response;
  }
  std::uint64_t last_caller = 0;
};

ac::Response send_through(ac::Upstream& upstream, ac::SendObserver observer = {}) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(
      io, upstream.send(ac::Request{"GET", "/tags", {}, {}}, std::move(observer)),
      boost::asio::use_future);
  io.run();
  return future.get();
}

TEST_F(ProgressTrackerTest, ProgressUpstreamReportsWaitsAsProgress) {
  WaitingUpstream inner;
  ProgressUpstream upstream(
      inner, std::make_shared<ProgressTracker>([this](double p, double t, const std::string& m) {
        reports.push_back({p, t, m});
      }),
      7);
  EXPECT_EQ(send_through(upstream).status, 200);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].message, "waited 300 ms for the client-side rate limit");
}

TEST_F(ProgressTrackerTest, ProgressUpstreamKeepsTheCallersObserver) {
  WaitingUpstream inner;
  ProgressUpstream upstream(
      inner, std::make_shared<ProgressTracker>([this](double p, double t, const std::string& m) {
        reports.push_back({p, t, m});
      }),
      7);
  int outer_calls = 0;
  ac::SendObserver observer;
  observer.on_wait = [&](const std::string&) { ++outer_calls; };
  send_through(upstream, observer);
  EXPECT_EQ(outer_calls, 1);
  EXPECT_EQ(reports.size(), 1u);
}

TEST_F(ProgressTrackerTest, ProgressUpstreamWithoutTrackerPassesThrough) {
  WaitingUpstream inner;
  ProgressUpstream upstream(inner, nullptr, 7);
  EXPECT_EQ(send_through(upstream).status, 200);
  EXPECT_TRUE(reports.empty());
}

TEST_F(ProgressTrackerTest, ProgressUpstreamStampsTheCallerOnEveryRequest) {
  WaitingUpstream inner;
  ProgressUpstream upstream(inner, nullptr, 42);
  send_through(upstream);
  EXPECT_EQ(inner.last_caller, 42u);
}

}  // namespace
}  // namespace acmcp::tools
