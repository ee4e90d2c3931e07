// Storage and Prometheus text rendering for MetricsRegistry; one mutex guards everything, as
// recording is a map lookup and an addition.
#include "metrics/metrics_registry.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

namespace acmcp::metrics {

namespace {

std::string escape_label_value(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string escape_help(std::string_view help) {
  std::string escaped;
  for (const char c : help) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

// {a="1",b="2"} or "" for no labels; `extra` is appended (the histogram's le).
std::string render_labels(const Labels& labels, const std::pair<std::string, std::string>* extra) {
  if (labels.empty() && !extra) return "";
  std::string text = "{";
  bool first = true;
  auto add = [&](const std::string& name, const std::string& value) {
    if (!first) text += ',';
    first = false;
    text += name + "=\"" + escape_label_value(value) + "\"";
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (extra) add(extra->first, extra->second);
  return text + "}";
}

std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

}  // namespace

std::vector<double> default_latency_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

void MetricsRegistry::describe_counter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  auto& family = families_[name];
  family.kind = Kind::Counter;
  family.help = help;
}

void MetricsRegistry::describe_histogram(const std::string& name, const std::string& help,
                                         std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  auto& family = families_[name];
  family.kind = Kind::Histogram;
  family.help = help;
  family.buckets = std::move(buckets);
}

void MetricsRegistry::describe_gauge(const std::string& name, const std::string& help,
                                     std::function<double()> read) {
  std::lock_guard lock(mutex_);
  auto& family = families_[name];
  family.kind = Kind::Gauge;
  family.help = help;
  family.read = std::move(read);
}

MetricsRegistry::Series* MetricsRegistry::series_of(const std::string& name, Kind kind,
                                                    const Labels& labels) {
  const auto found = families_.find(name);
  if (found == families_.end() || found->second.kind != kind) return nullptr;
  auto& family = found->second;
  auto [it, inserted] = family.series.try_emplace(render_labels(labels, nullptr));
  if (inserted) {
    it->second.labels = labels;
    it->second.counts.assign(family.buckets.size(), 0);
  }
  return &it->second;
}

void MetricsRegistry::increment(const std::string& name, const Labels& labels, double by) {
  std::lock_guard lock(mutex_);
  if (auto* series = series_of(name, Kind::Counter, labels)) series->value += by;
}

void MetricsRegistry::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  auto* series = series_of(name, Kind::Histogram, labels);
  if (!series) return;
  const auto& buckets = families_[name].buckets;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (value <= buckets[i]) {
      ++series->counts[i];
      break;
    }
  }
  series->sum += value;
  ++series->count;
}

std::string MetricsRegistry::render() const {
  // Gauges are read outside the lock: their callbacks may take other locks.
  std::map<std::string, std::function<double()>> gauges;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, family] : families_) {
      if (family.kind == Kind::Gauge) gauges[name] = family.read;
    }
  }
  std::map<std::string, double> gauge_values;
  for (const auto& [name, read] : gauges) gauge_values[name] = read ? read() : 0;

  std::lock_guard lock(mutex_);
  std::string text;
  for (const auto& [name, family] : families_) {
    text += "# HELP " + name + " " + escape_help(family.help) + "\n";
    switch (family.kind) {
      case Kind::Gauge:
        text += "# TYPE " + name + " gauge\n";
        text += name + " " + number(gauge_values[name]) + "\n";
        break;
      case Kind::Counter:
        text += "# TYPE " + name + " counter\n";
        for (const auto& [key, series] : family.series) {
          text += name + key + " " + number(series.value) + "\n";
        }
        break;
      case Kind::Histogram:
        text += "# TYPE " + name + " histogram\n";
        for (const auto& [key, series] : family.series) {
          std::uint64_t cumulative = 0;
          for (std::size_t i = 0; i < family.buckets.size(); ++i) {
            cumulative += series.counts[i];
            const std::pair<std::string, std::string> le{"le", number(family.buckets[i])};
            text += name + "_bucket" + render_labels(series.labels, &le) + " " +
                    std::to_string(cumulative) + "\n";
          }
          const std::pair<std::string, std::string> inf{"le", "+Inf"};
          text += name + "_bucket" + render_labels(series.labels, &inf) + " " +
                  std::to_string(series.count) + "\n";
          text += name + "_sum" + key + " " + number(series.sum) + "\n";
          text += name + "_count" + key + " " + std::to_string(series.count) + "\n";
        }
        break;
    }
  }
  return text;
}

}  // namespace acmcp::metrics
