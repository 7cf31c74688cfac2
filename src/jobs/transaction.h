// Transaction: one store transaction as a scoped object, so that no
// begin() result can be dropped and no path can leave a transaction open.
//
// A Transaction either owns a new store transaction or, when one is open
// already, joins it: a joined Transaction's commit() does nothing, and the
// owner's commit() writes both. Events emitted through the EventBus while it
// is open are delivered after the commit, dropped on rollback.
//
// When begin() fails, status() says so and the Transaction owns nothing:
// the writes that follow then commit one by one (each event delivered at
// once). Callers that go on anyway do so on purpose — the writes are still
// made, only not atomically — and say so where they do.
//
// Not thread-safe: used under the JobManager's lock, like the store.
#pragma once

#include "core/status.h"
#include "jobs/event_bus.h"
#include "jobs/job_store.h"

namespace epubtok::jobs {

class Transaction {
 public:
  // Begins a transaction on `store`, or joins the open one. Both must
  // outlive the Transaction.
  Transaction(JobStore& store, EventBus& bus);
  // Rolls back an owned transaction that was not committed.
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // begin()'s result; OK when joined.
  const Status& status() const { return begun_; }
  // Whether this object began the store transaction (and will end it).
  bool owns() const { return owns_; }

  // Owner: commits, then delivers the events held back; on failure rolls
  // back and returns the store's error. Joined, failed to begin, or
  // already ended: OK, nothing happens.
  Status commit();
  // Owner: undoes the writes and drops the held-back events. Otherwise
  // nothing happens.
  void rollback();

 private:
  JobStore& store_;
  EventBus& bus_;
  Status begun_;
  bool owns_ = false;
};

}  // namespace epubtok::jobs
