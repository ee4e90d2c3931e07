// A small thread-safe metrics registry (counters, gauges, histograms with fixed buckets) that
// renders the Prometheus text exposition format, version 0.0.4. Depends on no other layer.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acmcp::metrics {

// Label name/value pairs in a fixed order per metric. Values are escaped when rendered.
using Labels = std::vector<std::pair<std::string, std::string>>;

// Bucket upper bounds in seconds for request latencies: 5 ms to 60 s.
std::vector<double> default_latency_buckets();

class MetricsRegistry {
 public:
  // A metric must be described before it is recorded; recording an undescribed name, or with
  // the wrong kind, is ignored (metrics never break the program).
  void describe_counter(const std::string& name, const std::string& help);
  void describe_histogram(const std::string& name, const std::string& help,
                          std::vector<double> buckets);
  // A gauge read when the metrics are rendered (e.g. the number of open sessions).
  void describe_gauge(const std::string& name, const std::string& help,
                      std::function<double()> read);

  void increment(const std::string& name, const Labels& labels = {}, double by = 1);
  void observe(const std::string& name, const Labels& labels, double value);

  // The Prometheus text format (Content-Type "text/plain; version=0.0.4").
  std::string render() const;

 private:
  enum class Kind { Counter, Gauge, Histogram };
  struct Series {
    Labels labels;
    double value = 0;                   // counter
    std::vector<std::uint64_t> counts;  // histogram: per bucket (not cumulative)
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct Family {
    Kind kind = Kind::Counter;
    std::string help;
    std::vector<double> buckets;
    std::function<double()> read;
    std::map<std::string, Series> series;  // by rendered label set
  };

  Series* series_of(const std::string& name, Kind kind, const Labels& labels);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace acmcp::metrics
