#include "tokenizers/anthropic/api_tokenizer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

namespace epubtok::tokenizers::anthropic {
namespace {

// Anthropic refuses requests over 32 MB (413) before counting them; a text
// this long is cut without asking. JSON escaping can only grow a text, and
// this leaves room for it on any text of printable characters.
constexpr size_t kMaxTextBytesPerRequest = 24u << 20;
// Halving a text this many times leaves a few bytes of a 24 MB text; a part
// still refused then is not refused for its length.
constexpr int kMaxSplitDepth = 40;

struct Family {
  const char* alias;  // after "claude-api:"
  const char* model;
  const char* name;
};
// The current model of each family, listed by `epubtok models`; any other
// model id is accepted as claude-api:MODEL and passed to the API as is.
constexpr Family kFamilies[] = {
    {"opus", "claude-opus-4-7", "Claude Opus 4.7"},
    {"sonnet", "claude-sonnet-4-5", "Claude Sonnet 4.5"},
    {"haiku", "claude-haiku-4-5", "Claude Haiku 4.5"},
};

std::mutex settings_mutex;
ApiSettings& settings_storage() {
  static ApiSettings settings;
  return settings;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

// Where to cut a text the API refused as too long: just after the line break
// nearest its middle, else after the space nearest it, else at the code
// point boundary nearest it. Never 0 or text.size() for a text of 2+ bytes.
size_t cut_point(std::string_view text) {
  const size_t mid = text.size() / 2;
  for (char sep : {'\n', ' '}) {
    size_t before = text.rfind(sep, mid);
    size_t after = text.find(sep, mid);
    size_t best = std::string_view::npos;
    if (before != std::string_view::npos) best = before;
    if (after != std::string_view::npos && (best == std::string_view::npos || after - mid < mid - best)) best = after;
    if (best != std::string_view::npos && best + 1 < text.size()) return best + 1;
  }
  size_t cut = std::max<size_t>(mid, 1);
  while (cut > 1 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_model_id(std::string_view model) {
  return !model.empty() && model.size() <= 128 && std::all_of(model.begin(), model.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '@';
  });
}

TokenizerInfo info_for(const std::string& model, const std::string& base_url) {
  TokenizerInfo info;
  info.id = std::string(kIdPrefix) + model;
  info.name = model + " via Anthropic API";
  info.family = "anthropic";
  info.type = "API";
  info.source = "via Anthropic API, POST " + base_url + "/v1/messages/count_tokens";
  info.exactness = Exactness::kApi;
  info.exactness_reason =
      "Anthropic's own count for this model from its token-counting API, per-message framing subtracted; the "
      "text is sent to Anthropic";
  info.note = "each chapter is sent to Anthropic; a book is the sum of its chapters";
  info.remote = true;
  for (const Family& f : kFamilies) {
    if (model == f.model) {
      info.name = std::string(f.name) + " via Anthropic API";
      info.aliases.push_back(std::string(kIdPrefix) + f.alias);
    }
  }
  return info;
}

class ApiProvider final : public TokenizerProvider {
 public:
  std::optional<std::string> resolve(std::string_view name) const override {
    std::string n = lower(name);
    if (n.rfind(kIdPrefix, 0) != 0) return std::nullopt;
    std::string model = n.substr(kIdPrefix.size());
    for (const Family& f : kFamilies) {
      if (model == f.alias) model = f.model;
    }
    if (!valid_model_id(model)) return std::nullopt;
    return std::string(kIdPrefix) + model;
  }

  Result<std::shared_ptr<const Tokenizer>> load(const std::string& id) const override {
    std::string model = id.substr(kIdPrefix.size());
    ClientOptions client = client_options_from_env();
    if (client.api_key.empty()) {
      return Status(ErrorCode::kApiKeyMissing,
                    id + " counts through Anthropic's API and needs a key: set ANTHROPIC_API_KEY (nothing was read "
                         "or sent)");
    }
    ApiSettings settings = api_settings();
    client.timeout_ms = settings.timeout_ms;
    std::shared_ptr<CountCache> cache;
    if (settings.use_cache) {
      cache = std::make_shared<CountCache>(settings.cache_file.empty() ? default_cache_file() : settings.cache_file);
    }
    return std::shared_ptr<const Tokenizer>(std::make_shared<ApiTokenizer>(
        info_for(model, client.base_url), model, client, std::move(cache), settings.concurrency));
  }

  std::vector<TokenizerInfo> list() const override {
    std::string base_url = client_options_from_env().base_url;
    std::vector<TokenizerInfo> out;
    for (const Family& f : kFamilies) out.push_back(info_for(f.model, base_url));
    return out;
  }
};

}  // namespace

void set_api_settings(const ApiSettings& settings) {
  std::lock_guard lock(settings_mutex);
  settings_storage() = settings;
  settings_storage().concurrency = std::max(1, settings.concurrency);
}

ApiSettings api_settings() {
  std::lock_guard lock(settings_mutex);
  return settings_storage();
}

ApiTokenizer::ApiTokenizer(TokenizerInfo info, std::string model, ClientOptions client,
                           std::shared_ptr<CountCache> cache, int concurrency)
    : info_(std::move(info)),
      model_(std::move(model)),
      client_(std::move(client)),
      cache_(std::move(cache)),
      concurrency_(std::max(1, concurrency)),
      free_slots_(concurrency_) {}

std::optional<uint64_t> ApiTokenizer::framing_overhead() const {
  std::lock_guard lock(overhead_mutex_);
  return overhead_;
}

Result<uint64_t> ApiTokenizer::message_tokens(std::string_view text, const std::atomic<bool>* cancel,
                                              bool& too_large) const {
  too_large = false;
  if (cache_) {
    if (std::optional<uint64_t> hit = cache_->find(model_, text)) {
      ++cache_hits_;
      return *hit;
    }
  }
  // Take a request slot; a cancel while waiting for one gives up at once.
  {
    std::unique_lock lock(slots_mutex_);
    while (free_slots_ == 0) {
      if (cancel && cancel->load()) return Status(ErrorCode::kCancelled, "cancelled before the request was sent");
      slots_cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
    --free_slots_;
  }
  CountReply reply = count_message_tokens(client_, model_, text, cancel);
  {
    std::lock_guard lock(slots_mutex_);
    ++free_slots_;
  }
  slots_cv_.notify_one();
  requests_ += uint64_t(reply.attempts);
  if (reply.kind == CountReply::Kind::kTooLarge) {
    too_large = true;
    return reply.error;
  }
  if (reply.kind != CountReply::Kind::kOk) return reply.error;
  if (cache_) cache_->store(model_, text, reply.input_tokens);
  return reply.input_tokens;
}

Result<uint64_t> ApiTokenizer::overhead(const std::atomic<bool>* cancel) const {
  std::lock_guard lock(overhead_mutex_);
  if (overhead_) return *overhead_;
  bool too_large = false;
  Result<uint64_t> one = message_tokens("x", cancel, too_large);
  if (!one) {
    return Status(one.status().code(), "measuring the framing overhead of " + info_.id + ": " + one.status().message());
  }
  if (*one < 1) {
    return Status(ErrorCode::kApiError, info_.id + ": a one-letter message counted " + std::to_string(*one) +
                                            " tokens, so the framing overhead cannot be measured");
  }
  overhead_ = *one - 1;
  return *overhead_;
}

Result<TextCount> ApiTokenizer::count_one(std::string_view text, const std::atomic<bool>* cancel) const {
  if (text.empty()) return TextCount{0, false};
  if (is_blank(text)) return TextCount{0, true};
  Result<uint64_t> framing = overhead(cancel);
  if (!framing) return framing.status();

  // Depth-first over the parts of a text the API refuses as too long.
  struct Part {
    std::string_view text;
    int depth;
  };
  std::vector<Part> stack{{text, 0}};
  TextCount total;
  while (!stack.empty()) {
    Part part = stack.back();
    stack.pop_back();
    if (is_blank(part.text)) {
      total.approximate = true;
      continue;
    }
    bool too_large = part.text.size() > kMaxTextBytesPerRequest;
    if (!too_large) {
      Result<uint64_t> n = message_tokens(part.text, cancel, too_large);
      if (n) {
        total.tokens += *n > *framing ? *n - *framing : 0;
        continue;
      }
      if (!too_large) return n.status();
      if (part.depth >= kMaxSplitDepth || part.text.size() < 2) return n.status();
    }
    size_t cut = cut_point(part.text);
    total.approximate = true;
    stack.push_back({part.text.substr(cut), part.depth + 1});
    stack.push_back({part.text.substr(0, cut), part.depth + 1});
  }
  return total;
}

std::vector<Result<TextCount>> ApiTokenizer::count_each(std::span<const std::string_view> texts,
                                                        const std::atomic<bool>* cancel) const {
  std::vector<std::optional<Result<TextCount>>> slots(texts.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < texts.size();) {
      if (cancel && cancel->load()) {
        slots[i] = Status(ErrorCode::kCancelled, "cancelled before this text was counted");
        continue;
      }
      slots[i] = count_one(texts[i], cancel);
    }
  };
  // Cached texts cost no slot, so more workers than slots keep the slots busy
  // while others read the cache; the slots bound what is in flight.
  size_t threads = std::min<size_t>(texts.size(), size_t(concurrency_));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  std::vector<Result<TextCount>> out;
  out.reserve(texts.size());
  for (auto& slot : slots) out.push_back(std::move(*slot));
  return out;
}

uint64_t ApiTokenizer::count(std::string_view text) const {
  std::string_view one[] = {text};
  Result<TextCount> r = std::move(count_each(one)[0]);
  return r ? r->tokens : 0;
}

std::unique_ptr<TokenizerProvider> make_api_provider() { return std::make_unique<ApiProvider>(); }

}  // namespace epubtok::tokenizers::anthropic
