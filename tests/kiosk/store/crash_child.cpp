// The crash test's child: submits requests in a loop (with some sync-side
// state changes between them) and writes "T <ticket> <id>" to stdout only
// after submit() has returned it. The parent kills it with SIGKILL at random.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "kiosk/base/log.hpp"
#include "kiosk/store/store.hpp"

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void say(const std::string& line) {
  // One write(2) a line: a pipe delivers it whole or not at all.
  const std::string l = line + "\n";
  if (::write(1, l.data(), l.size()) != static_cast<ssize_t>(l.size())) _exit(5);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_crash_child DB\n");
    return 2;
  }
  kiosk::log::set_min_level(kiosk::log::Level::Error);
  // Sealed to a key of its own: the test checks what is kept, not what it says.
  kiosk::StoreOptions o;
  o.local_box = *kiosk::make_box_keypair();
  auto store = kiosk::RequestStore::open(argv[1], o);
  if (!store.ok()) {
    say("E " + store.error().name() + " " + store.error().detail);
    return 3;
  }
  auto& s = **store;
  if (auto st = s.requeue_all_sending("restart", now_ms()); !st) say("E " + st.error().name());
  for (long i = 0;; ++i) {
    kiosk::NewRequest req;
    req.service_id = "legal";
    req.ticket_prefix = "F";
    req.content_version = "crash";
    req.plan.answers = {{"n", i}, {"description", std::string(200 + i % 700, 'x')}};
    req.plan.reservations = {{"slot:S-crash", 1'000'000'000}};
    req.plan.dedup_keys = {kiosk::make_uuid_v7(now_ms())};
    auto r = s.submit(req, now_ms());
    if (!r.ok()) {
      say("E " + r.error().name() + " " + r.error().detail);
      return 4;
    }
    say("T " + r->ticket + " " + r->id);
    // Now and then the sync side's transactions, so kills land in those too.
    if (i % 7 == 3) {
      auto b = s.claim_batch(5, 1 << 20, now_ms());
      if (b.ok() && !b->empty()) {
        std::vector<std::string> ids;
        for (const auto& x : *b) ids.push_back(x.id);
        if (i % 2)
          (void)s.mark_delivered(ids, now_ms());
        else
          (void)s.requeue(ids, "test", now_ms());
      }
    }
  }
}
