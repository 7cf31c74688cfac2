// Connection: what HttpServer needs of every open connection (an HTTP
// session or an SSE stream) to close them all on stop(), and the set that
// tracks them.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

namespace epubtok::server {

class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the connection on its own thread. Safe from any thread.
  virtual void close_async() = 0;
  // A reference that keeps the connection alive; null once it is being
  // destroyed.
  virtual std::shared_ptr<Connection> lock() = 0;
};

// The open connections. Thread-safe.
class ConnectionSet {
 public:
  void add(Connection* c) {
    std::lock_guard lock(mutex_);
    connections_.insert(c);
  }
  // Called by a connection's destructor.
  void remove(Connection* c) {
    std::lock_guard lock(mutex_);
    connections_.erase(c);
  }
  // Asks every open connection to close.
  void close_all() {
    // A connection whose operations finish meanwhile may lose its last
    // reference in this loop, and its destructor takes mutex_, so the
    // references are taken under the lock but used and dropped outside it
    // (holding it here deadlocked shutdown).
    std::vector<std::shared_ptr<Connection>> all;
    {
      std::lock_guard lock(mutex_);
      all.reserve(connections_.size());
      for (Connection* c : connections_) {
        if (auto self = c->lock()) all.push_back(std::move(self));
      }
    }
    for (const auto& c : all) c->close_async();
  }

 private:
  std::mutex mutex_;
  std::unordered_set<Connection*> connections_;
};

}  // namespace epubtok::server
