#include "tokenizers/hf/hub_client.h"

#include <curl/curl.h>

#include <cctype>
#include <cstdlib>
#include <mutex>

#include "tokenizers/hf/hf_cache.h"

namespace epubtok::tokenizers::hf {
namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  // A tokenizer.json above 512 MB is not a tokenizer.json.
  if (body->size() + size * n > (size_t(512) << 20)) return 0;
  body->append(data, size * n);
  return size * n;
}

struct Headers {
  std::string commit;
  std::string etag;
  std::string linked_etag;
};

std::string trim_header_value(std::string v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
  size_t b = 0;
  while (b < v.size() && std::isspace(static_cast<unsigned char>(v[b]))) ++b;
  v = v.substr(b);
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* h = static_cast<Headers*>(user);
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string value = trim_header_value(line.substr(colon + 1));
  // Headers of every response in a redirect chain arrive here; the last wins.
  if (name == "x-repo-commit") h->commit = value;
  if (name == "etag") h->etag = value;
  if (name == "x-linked-etag") h->linked_etag = value;
  return size * n;
}

}  // namespace

HubOptions hub_options_from_env() {
  HubOptions o;
  const char* ep = std::getenv("HF_ENDPOINT");
  o.endpoint = ep && *ep ? ep : "https://huggingface.co";
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  const char* tok = std::getenv("HF_TOKEN");
  if (!tok || !*tok) tok = std::getenv("HUGGING_FACE_HUB_TOKEN");
  o.token = tok ? tok : "";
  return o;
}

Result<std::filesystem::path> download_tokenizer(const std::filesystem::path& cache, const std::string& repo,
                                                 const std::string& revision, const HubOptions& options) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string url = options.endpoint + "/" + repo + "/resolve/" + revision + "/tokenizer.json";
  CURL* curl = curl_easy_init();
  if (!curl) return Status(ErrorCode::kHubError, "hf:" + repo + ": cannot start an HTTP client");
  std::string body;
  Headers headers;
  struct curl_slist* req_headers = nullptr;
  if (!options.token.empty())
    req_headers = curl_slist_append(req_headers, ("Authorization: Bearer " + options.token).c_str());
  req_headers = curl_slist_append(req_headers, "User-Agent: epubtok/" EPUBTOK_VERSION);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, req_headers);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, options.timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &headers);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(req_headers);
  curl_easy_cleanup(curl);

  std::string who = "hf:" + repo;
  if (rc != CURLE_OK) {
    return Status(ErrorCode::kHubError, who + ": download from " + url + " failed: " + curl_easy_strerror(rc));
  }
  if (status == 401 || status == 403) {
    return Status(ErrorCode::kHubError, who + ": the repository is gated or private (HTTP " + std::to_string(status) +
                                            "); " +
                                            (options.token.empty() ? "set HF_TOKEN to a token that has access"
                                                                   : "the HF_TOKEN given does not have access"));
  }
  if (status == 404) {
    return Status(ErrorCode::kHubError, who + ": not found on " + options.endpoint +
                                            " (no such repository, revision '" + revision + "', or no tokenizer.json)");
  }
  if (status != 200) {
    return Status(ErrorCode::kHubError, who + ": " + url + " answered HTTP " + std::to_string(status));
  }
  std::string commit = headers.commit.empty() ? revision : headers.commit;
  std::string etag = !headers.linked_etag.empty() ? headers.linked_etag : headers.etag;
  Result<std::filesystem::path> stored = store_in_cache(cache, repo, revision, commit, etag, body);
  if (!stored) return Status(ErrorCode::kHubError, who + ": downloaded but " + stored.status().message());
  return stored;
}

}  // namespace epubtok::tokenizers::hf
