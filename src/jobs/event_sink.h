// EventSink: a subscriber to job events (an SSE connection, a test probe).
#pragma once

#include <memory>

#include "jobs/job.h"

namespace epubtok::jobs {

class EventSink {
 public:
  virtual ~EventSink() = default;

  // Receives one event, already stored in the job's log. Called with the
  // JobManager's lock held, from the job runner or a request thread: it must
  // not block and must not call back into the JobManager. The usual
  // implementation appends to a bounded queue and wakes a writer.
  // Return false to be unsubscribed at once (e.g. the queue overflowed);
  // the subscriber then catches up from the stored log on reconnect.
  virtual bool on_event(const std::shared_ptr<const JobEvent>& event) = 0;
};

}  // namespace epubtok::jobs
