// The Hugging Face cache layout and the Hub download client, against a
// local HTTP server on 127.0.0.1 that serves the Hub's URL layout.
#include "tokenizers/hf/hf_cache.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include "tokenizers/hf/hf_provider.h"
#include "tokenizers/hf/hub_client.h"

namespace epubtok::tokenizers::hf {
namespace {
namespace fs = std::filesystem;

const char* kTinyTokenizer =
    R"({"model":{"type":"WordLevel","unk_token":"?","vocab":{"?":0,"hi":1}},"pre_tokenizer":{"type":"WhitespaceSplit"}})";

fs::path temp_dir(const std::string& tag) {
  fs::path d = fs::temp_directory_path() / ("epubtok-hf-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A one-thread HTTP/1.0 server answering:
//   /org/model/resolve/main/tokenizer.json  200 with X-Repo-Commit and ETag
//   /org/gated/resolve/main/tokenizer.json  401 unless "Authorization: Bearer sesame"
//   anything else                           404
class FakeHub {
 public:
  FakeHub() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeHub() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++requests_;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, size_t(n));
      }
      std::string path = req.substr(4, req.find(' ', 4) - 4);
      std::string resp;
      if (path == "/org/model/resolve/main/tokenizer.json" ||
          (path == "/org/gated/resolve/main/tokenizer.json" &&
           req.find("Authorization: Bearer sesame") != std::string::npos)) {
        resp =
            "HTTP/1.0 200 OK\r\nX-Repo-Commit: 0123456789abcdef0123456789abcdef01234567\r\nETag: \"blobetag42\"\r\n"
            "Content-Length: " +
            std::to_string(std::strlen(kTinyTokenizer)) + "\r\n\r\n" + kTinyTokenizer;
      } else if (path == "/org/gated/resolve/main/tokenizer.json") {
        resp = "HTTP/1.0 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";
      } else {
        resp = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
      }
      ::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

TEST(HfCache, CacheDirFollowsEnvironment) {
  ScopedEnv a("HF_HUB_CACHE", "/x/hub-cache");
  EXPECT_EQ(hub_cache_dir(), fs::path("/x/hub-cache"));
  ::unsetenv("HF_HUB_CACHE");
  ScopedEnv b("HF_HOME", "/y/hf-home");
  EXPECT_EQ(hub_cache_dir(), fs::path("/y/hf-home/hub"));
}

TEST(HfCache, RepoIds) {
  EXPECT_TRUE(is_repo_id("Qwen/Qwen3-8B"));
  EXPECT_TRUE(is_repo_id("google-bert/bert-base-uncased"));
  EXPECT_FALSE(is_repo_id("bert-base-uncased"));
  EXPECT_FALSE(is_repo_id("a/b/c"));
  EXPECT_FALSE(is_repo_id("../etc"));
  EXPECT_FALSE(is_repo_id("org/na me"));
}

TEST(HfCache, ResolvesRefsMainToTheSnapshot) {
  fs::path cache = temp_dir("cache");
  fs::path repo = cache / "models--org--model";
  fs::create_directories(repo / "refs");
  fs::create_directories(repo / "snapshots" / "c0ffee");
  fs::create_directories(repo / "snapshots" / "old1");
  fs::create_directories(repo / "blobs");
  std::ofstream(repo / "refs" / "main") << "c0ffee\n";
  std::ofstream(repo / "blobs" / "b1") << kTinyTokenizer;
  fs::create_symlink("../../blobs/b1", repo / "snapshots" / "c0ffee" / "tokenizer.json");
  std::ofstream(repo / "snapshots" / "old1" / "tokenizer.json") << "{}";

  auto found = find_cached_tokenizer(cache, "org/model");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, repo / "snapshots" / "c0ffee" / "tokenizer.json");
  EXPECT_FALSE(find_cached_tokenizer(cache, "org/other"));
  EXPECT_FALSE(find_cached_tokenizer(cache, "org/model", "v2"));

  auto listed = list_cached_tokenizers(cache);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].first, "org/model");
  fs::remove_all(cache);
}

TEST(HfHub, DownloadsIntoTheCacheLayoutThenWorksOffline) {
  FakeHub hub;
  fs::path cache = temp_dir("download");
  HubOptions opt;
  opt.endpoint = hub.endpoint();
  opt.timeout_seconds = 20;
  auto got = download_tokenizer(cache, "org/model", "main", opt);
  ASSERT_TRUE(got) << got.status().to_string();
  fs::path repo = cache / "models--org--model";
  EXPECT_TRUE(fs::exists(repo / "blobs" / "blobetag42"));
  std::ifstream ref(repo / "refs" / "main");
  std::string commit;
  ref >> commit;
  EXPECT_EQ(commit, "0123456789abcdef0123456789abcdef01234567");
  auto found = find_cached_tokenizer(cache, "org/model");
  ASSERT_TRUE(found);

  // Through the provider: cached, so no further request even when offline.
  ScopedEnv c("HF_HUB_CACHE", cache.string());
  ScopedEnv off("HF_HUB_OFFLINE", "1");
  int before = hub.requests();
  auto p = make_hf_provider();
  auto t = p->load("hf:org/model");
  ASSERT_TRUE(t) << t.status().to_string();
  EXPECT_EQ((*t)->count("hi hi there"), 3u);
  EXPECT_EQ(hub.requests(), before);
  bool listed = false;
  for (const TokenizerInfo& info : p->list())
    listed = listed || (info.id == "hf:org/model" && info.type == "WordLevel");
  EXPECT_TRUE(listed);

  // Not cached and offline: a clear error, no request.
  auto missing = p->load("hf:org/absent");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.status().code(), ErrorCode::kHubError);
  EXPECT_NE(missing.status().message().find("HF_HUB_OFFLINE"), std::string::npos);
  EXPECT_EQ(hub.requests(), before);
  fs::remove_all(cache);
}

TEST(HfHub, ErrorsNameTheModelAndTheReason) {
  FakeHub hub;
  fs::path cache = temp_dir("errors");
  HubOptions opt;
  opt.endpoint = hub.endpoint();
  opt.timeout_seconds = 20;
  auto nf = download_tokenizer(cache, "org/absent", "main", opt);
  ASSERT_FALSE(nf);
  EXPECT_EQ(nf.status().code(), ErrorCode::kHubError);
  EXPECT_NE(nf.status().message().find("hf:org/absent"), std::string::npos);
  EXPECT_NE(nf.status().message().find("not found"), std::string::npos);

  auto gated = download_tokenizer(cache, "org/gated", "main", opt);
  ASSERT_FALSE(gated);
  EXPECT_NE(gated.status().message().find("gated"), std::string::npos);
  EXPECT_NE(gated.status().message().find("HF_TOKEN"), std::string::npos);

  opt.token = "sesame";
  auto ok = download_tokenizer(cache, "org/gated", "main", opt);
  EXPECT_TRUE(ok) << ok.status().to_string();

  // Through the provider with HF_ENDPOINT: downloads when not cached.
  ScopedEnv c("HF_HUB_CACHE", cache.string());
  ScopedEnv e("HF_ENDPOINT", hub.endpoint());
  ::unsetenv("HF_HUB_OFFLINE");
  auto p = make_hf_provider();
  auto t = p->load("hf:org/model");
  ASSERT_TRUE(t) << t.status().to_string();
  EXPECT_EQ((*t)->count("hi"), 1u);

  // Nothing listens here: a network error, not a crash.
  HubOptions dead;
  dead.endpoint = "http://127.0.0.1:1";
  dead.timeout_seconds = 5;
  auto down = download_tokenizer(cache, "org/model2", "main", dead);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.status().code(), ErrorCode::kHubError);
  fs::remove_all(cache);
}

}  // namespace
}  // namespace epubtok::tokenizers::hf
