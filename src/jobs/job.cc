#include "jobs/job.h"

#include <chrono>
#include <cmath>
#include <ctime>

#include <boost/json.hpp>

namespace epubtok::jobs {
namespace json = boost::json;

namespace {

// Indexed by the enums' values.
constexpr std::string_view kStatusNames[] = {"queued", "running", "completed", "failed", "cancelled", "interrupted"};
constexpr std::string_view kEventTypeNames[] = {"queued",    "started", "resumed",   "progress",    "book",
                                                "completed", "failed",  "cancelled", "interrupted", "deleted"};

Result<std::vector<std::string>> string_array(const json::value& v, std::string_view field) {
  if (!v.is_array())
    return Result<std::vector<std::string>>(ErrorCode::kInvalidArgument,
                                            std::string(field) + " must be an array of strings");
  std::vector<std::string> out;
  size_t i = 0;
  for (const auto& item : v.as_array()) {
    if (!item.is_string()) {
      return Result<std::vector<std::string>>(ErrorCode::kInvalidArgument,
                                              std::string(field) + "[" + std::to_string(i) + "] must be a string");
    }
    out.emplace_back(item.as_string());
    ++i;
  }
  return out;
}

json::array to_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

json::array kinds_to_array(const std::vector<epub::ChapterKind>& kinds) {
  json::array out;
  for (epub::ChapterKind kind : kinds) out.emplace_back(epub::chapter_kind_name(kind));
  return out;
}

}  // namespace

std::string_view to_string(JobStatus status) { return kStatusNames[static_cast<int>(status)]; }

std::optional<JobStatus> parse_job_status(std::string_view name) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i) {
    if (kStatusNames[i] == name) return static_cast<JobStatus>(i);
  }
  return std::nullopt;
}

std::string_view to_string(EventType type) { return kEventTypeNames[static_cast<int>(type)]; }

std::optional<EventType> parse_event_type(std::string_view name) {
  for (size_t i = 0; i < std::size(kEventTypeNames); ++i) {
    if (kEventTypeNames[i] == name) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

bool is_terminal(EventType type) {
  return type == EventType::kCompleted || type == EventType::kFailed || type == EventType::kCancelled;
}

bool is_terminal(JobStatus status) {
  return status == JobStatus::kCompleted || status == JobStatus::kFailed || status == JobStatus::kCancelled;
}

json::object request_to_json(const model::RunRequest& r) {
  return json::object{{"paths", to_array(r.paths)}, {"tokenizers", to_array(r.tokenizers)},
                      {"recursive", r.recursive},   {"exclude", kinds_to_array(r.exclude)},
                      {"max_mb", r.max_mb},         {"with_special", r.with_special}};
}

Result<model::RunRequest> request_from_json(const json::value& body) {
  using model::RunRequest;
  if (!body.is_object()) return Result<RunRequest>(ErrorCode::kInvalidArgument, "the body must be a JSON object");
  const json::object& o = body.as_object();
  RunRequest r;
  r.recursive = true;
  auto strings = [&](std::string_view key, std::vector<std::string>& out, bool required) -> Status {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) {
      return required ? Status(ErrorCode::kInvalidArgument, std::string(key) + " is required") : Status();
    }
    auto items = string_array(*v, key);
    if (!items) return items.status();
    out = std::move(*items);
    if (required && out.empty()) return Status(ErrorCode::kInvalidArgument, std::string(key) + " must not be empty");
    return Status();
  };
  if (Status s = strings("paths", r.paths, true); !s) return s;
  if (Status s = strings("tokenizers", r.tokenizers, true); !s) return s;
  std::vector<std::string> exclude;
  if (Status s = strings("exclude", exclude, false); !s) return s;
  for (size_t i = 0; i < exclude.size(); ++i) {
    auto kind = epub::parse_chapter_kind(exclude[i]);
    if (!kind) {
      return Result<RunRequest>(ErrorCode::kInvalidArgument,
                                "exclude[" + std::to_string(i) + "] must be \"front\", \"body\" or \"back\"");
    }
    r.exclude.push_back(*kind);
  }
  auto boolean = [&](std::string_view key, bool& out) -> Status {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return Status();
    if (!v->is_bool()) return Status(ErrorCode::kInvalidArgument, std::string(key) + " must be a boolean");
    out = v->as_bool();
    return Status();
  };
  if (Status s = boolean("recursive", r.recursive); !s) return s;
  if (Status s = boolean("with_special", r.with_special); !s) return s;
  if (const json::value* v = o.if_contains("max_mb"); v && !v->is_null()) {
    bool ok = false;
    int64_t n = 0;
    if (v->is_int64()) {
      n = v->as_int64();
      ok = true;
    } else if (v->is_uint64()) {
      n = v->as_uint64() > 1'000'000 ? 1'000'000 : static_cast<int64_t>(v->as_uint64());
      ok = true;
    } else if (v->is_double() && v->as_double() == static_cast<double>(static_cast<int64_t>(v->as_double()))) {
      n = static_cast<int64_t>(v->as_double());
      ok = true;
    }
    if (!ok || n < 1 || n > 4096) {
      return Result<RunRequest>(ErrorCode::kInvalidArgument, "max_mb must be an integer from 1 to 4096");
    }
    r.max_mb = static_cast<uint64_t>(n);
  }
  return r;
}

double Progress::percent() const {
  if (bytes_total > 0) return 100.0 * static_cast<double>(bytes_done) / static_cast<double>(bytes_total);
  if (total > 0) return 100.0 * static_cast<double>(current) / static_cast<double>(total);
  return 0.0;
}

json::object progress_to_json(const Progress& p) {
  // Rounded to 0.1 % so the payload stays short and stable.
  double percent = std::round(p.percent() * 10.0) / 10.0;
  json::object out{{"file_name", p.file_name}, {"current", p.current},       {"total", p.total},
                   {"percent", percent},       {"bytes_done", p.bytes_done}, {"bytes_total", p.bytes_total}};
  if (p.eta_s) {
    out["eta_s"] = std::round(*p.eta_s * 10.0) / 10.0;
  } else {
    out["eta_s"] = nullptr;
  }
  return out;
}

std::string JobEvent::global_data() const {
  json::value parsed = json::parse(data);
  json::object out{{"job_id", job_id}, {"status", to_string(status)}};
  if (parsed.is_object()) {
    for (const auto& kv : parsed.as_object()) out[kv.key()] = kv.value();
  }
  return json::serialize(out);
}

bool JobEvent::is_terminal() const { return jobs::is_terminal(type); }

std::string format_time_ms(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace epubtok::jobs
