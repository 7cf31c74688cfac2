#include "jobs/transaction.h"

namespace epubtok::jobs {

Transaction::Transaction(JobStore& store, EventBus& bus) : store_(store), bus_(bus) {
  if (store_.in_transaction()) return;
  begun_ = store_.begin();
  owns_ = begun_.is_ok();
}

Transaction::~Transaction() { rollback(); }

Status Transaction::commit() {
  if (!owns_) return Status();
  owns_ = false;
  Status s = store_.commit();
  if (!s) {
    bus_.discard();  // the failed commit left no transaction open (JobStore::commit)
    return s;
  }
  bus_.flush();
  return s;
}

void Transaction::rollback() {
  if (!owns_) return;
  owns_ = false;
  store_.rollback();
  bus_.discard();
}

}  // namespace epubtok::jobs
