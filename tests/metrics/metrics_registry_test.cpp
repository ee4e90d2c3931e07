// MetricsRegistry: counters, gauges and histograms rendered in the Prometheus text format 0.0.4.
#include "metrics/metrics_registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

using testing::HasSubstr;
using testing::Not;

namespace acmcp::metrics {
namespace {

TEST(MetricsRegistry, CounterRendersHelpTypeAndValue) {
  MetricsRegistry registry;
  registry.describe_counter("jobs_total", "Jobs done.");
  registry.increment("jobs_total");
  registry.increment("jobs_total", {}, 2);
  EXPECT_EQ(registry.render(),
            "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\n"
            "jobs_total 3\n");
}

TEST(MetricsRegistry, CounterSeriesAreKeptPerLabelSet) {
  MetricsRegistry registry;
  registry.describe_counter("calls_total", "Calls.");
  registry.increment("calls_total", {{"tool", "a"}, {"status", "200"}});
  registry.increment("calls_total", {{"tool", "a"}, {"status", "200"}});
  registry.increment("calls_total", {{"tool", "b"}, {"status", "-1"}});
  const std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("calls_total{tool=\"a\",status=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("calls_total{tool=\"b\",status=\"-1\"} 1\n"));
}

TEST(MetricsRegistry, DescribedCounterWithoutSamplesShowsOnlyHelpAndType) {
  MetricsRegistry registry;
  registry.describe_counter("idle_total", "Nothing yet.");
  EXPECT_EQ(registry.render(), "# HELP idle_total Nothing yet.\n# TYPE idle_total counter\n");
}

TEST(MetricsRegistry, UndescribedMetricIsIgnored) {
  MetricsRegistry registry;
  registry.increment("nobody_total");
  registry.observe("nobody_seconds", {}, 1);
  EXPECT_EQ(registry.render(), "");
}

TEST(MetricsRegistry, RecordingWithTheWrongKindIsIgnored) {
  MetricsRegistry registry;
  registry.describe_counter("jobs_total", "Jobs.");
  registry.observe("jobs_total", {}, 5);
  EXPECT_EQ(registry.render(), "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\n");
}

TEST(MetricsRegistry, LabelValuesAreEscaped) {
  MetricsRegistry registry;
  registry.describe_counter("odd_total", "Odd labels.");
  registry.increment("odd_total", {{"value", "a\"b\\c\nd"}});
  EXPECT_THAT(registry.render(), HasSubstr(R"(odd_total{value="a\"b\\c\nd"} 1)"));
}

TEST(MetricsRegistry, HelpTextIsEscaped) {
  MetricsRegistry registry;
  registry.describe_counter("x_total", "line one\nback\\slash");
  EXPECT_THAT(registry.render(), HasSubstr("# HELP x_total line one\\nback\\\\slash\n"));
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  registry.describe_histogram("latency_seconds", "Latency.", {0.1, 1});
  registry.observe("latency_seconds", {}, 0.05);
  registry.observe("latency_seconds", {}, 0.5);
  registry.observe("latency_seconds", {}, 3);
  EXPECT_EQ(registry.render(),
            "# HELP latency_seconds Latency.\n# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.1\"} 1\n"
            "latency_seconds_bucket{le=\"1\"} 2\n"
            "latency_seconds_bucket{le=\"+Inf\"} 3\n"
            "latency_seconds_sum 3.55\n"
            "latency_seconds_count 3\n");
}

TEST(MetricsRegistry, HistogramBucketBoundIsInclusive) {
  MetricsRegistry registry;
  registry.describe_histogram("h", "H.", {1});
  registry.observe("h", {}, 1);
  EXPECT_THAT(registry.render(), HasSubstr("h_bucket{le=\"1\"} 1\n"));
}

TEST(MetricsRegistry, HistogramLabelsComeBeforeLe) {
  MetricsRegistry registry;
  registry.describe_histogram("tool_seconds", "Per tool.", {1});
  registry.observe("tool_seconds", {{"tool", "t"}}, 0.5);
  const std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("tool_seconds_bucket{tool=\"t\",le=\"1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tool_seconds_count{tool=\"t\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tool_seconds_sum{tool=\"t\"} 0.5\n"));
}

TEST(MetricsRegistry, GaugeIsReadAtRenderTime) {
  MetricsRegistry registry;
  double sessions = 2;
  registry.describe_gauge("sessions", "Open sessions.", [&] { return sessions; });
  EXPECT_THAT(registry.render(), HasSubstr("# TYPE sessions gauge\nsessions 2\n"));
  sessions = 5;
  EXPECT_THAT(registry.render(), HasSubstr("sessions 5\n"));
}

TEST(MetricsRegistry, GaugeWithoutReaderShowsZero) {
  MetricsRegistry registry;
  registry.describe_gauge("g", "G.", {});
  EXPECT_THAT(registry.render(), HasSubstr("g 0\n"));
}

TEST(MetricsRegistry, GaugeMayBeRedescribedWithANewReader) {
  MetricsRegistry registry;
  registry.describe_gauge("g", "G.", [] { return 1.0; });
  registry.describe_gauge("g", "G.", [] { return 7.0; });
  EXPECT_THAT(registry.render(), HasSubstr("g 7\n"));
}

TEST(MetricsRegistry, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry registry;
  registry.describe_counter("n_total", "N.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) registry.increment("n_total", {{"k", "v"}});
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_THAT(registry.render(), HasSubstr("n_total{k=\"v\"} 4000\n"));
}

TEST(MetricsRegistry, FamiliesAreRenderedInNameOrder) {
  MetricsRegistry registry;
  registry.describe_counter("b_total", "B.");
  registry.describe_counter("a_total", "A.");
  const std::string text = registry.render();
  EXPECT_LT(text.find("a_total"), text.find("b_total"));
}

TEST(MetricsRegistry, DefaultLatencyBucketsIncrease) {
  const auto buckets = default_latency_buckets();
  ASSERT_FALSE(buckets.empty());
  for (std::size_t i = 1; i < buckets.size(); ++i) EXPECT_LT(buckets[i - 1], buckets[i]);
}

}  // namespace
}  // namespace acmcp::metrics
