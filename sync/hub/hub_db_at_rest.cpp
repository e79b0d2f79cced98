// HubDb: answers at rest. Schema 3 keeps a request's body (its canonical
// JSON, answers included) only sealed under at-rest.key, in body_sealed;
// the clear `body` column stays NULL. Staff notes (which may name the
// worker or what they brought) are sealed the same way where they are
// kept, in `requests` and in `changes`; an empty note stays empty.
// body_hash, the idempotency check, is keyed too (a plain SHA-256 of a
// body could be checked against guesses).
// The migration from 2 seals every clear row, then rewrites the file
// (VACUUM) and empties the write-ahead log, so the clear pages are gone.
#include <sodium.h>

#include <vector>

#include "kiosk/base/strings.hpp"
#include "sync/hub/hub_db_impl.hpp"

namespace kiosk::hub {

namespace {

const char* kCreateV3 = R"sql(
CREATE TABLE requests_v3 (
  id TEXT NOT NULL,
  kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),
  kiosk_seq INTEGER NOT NULL,
  ticket TEXT NOT NULL,
  service_id TEXT NOT NULL,
  content_version TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  body_hash TEXT NOT NULL,
  body TEXT,
  state TEXT NOT NULL DEFAULT 'received',
  staff_note TEXT NOT NULL DEFAULT '',
  handled_at_ms INTEGER NOT NULL DEFAULT 0,
  out_of_order INTEGER NOT NULL DEFAULT 0,
  body_sealed BLOB,
  PRIMARY KEY (kiosk_id, id)
);
)sql";

const char* kSwapV3 = R"sql(
DROP TABLE requests;
ALTER TABLE requests_v3 RENAME TO requests;
CREATE INDEX requests_kiosk ON requests(kiosk_id, kiosk_seq);
CREATE INDEX requests_id ON requests(id);
PRAGMA user_version=3;
)sql";

}  // namespace

Error no_keys_error(const char* why) {
  return Error{ErrorKind::KeyFileRead, tr("hub.at_rest.no_keys"), "", why};
}

namespace {
std::string note_ad(std::string_view request_id) {
  return std::string(request_id) + std::string("\0note", 5);
}
}  // namespace

std::string seal_note(const HubKeys& k, int64_t kiosk_id, std::string_view request_id,
                      std::string_view note) {
  if (note.empty()) return {};
  return seal_at_rest(k, kiosk_id, note_ad(request_id), note);
}

std::string open_note(const HubKeys* k, int64_t kiosk_id, std::string_view request_id,
                      std::string_view stored) {
  if (stored.empty() || !k) return {};
  return open_at_rest(*k, kiosk_id, note_ad(request_id), stored).value_or(std::string());
}

Status migrate_to_v3(HubDb::Impl& impl) {
  int64_t rows = 0;
  {
    Stmt c(impl.db, "SELECT (SELECT COUNT(*) FROM requests) + (SELECT COUNT(*) FROM changes)");
    if (!c.row()) return db_error(impl.db, "migrate to 3");
    rows = c.i64(0);
  }
  if (rows > 0 && !impl.opts.keys)
    return no_keys_error("hub.db holds clear answers from before schema 3: open it with its keys");
  if (!impl.exec("BEGIN IMMEDIATE")) return db_error(impl.db, "migrate to 3");
  auto fail = [&](const char* what) {
    Error e = db_error(impl.db, what);
    impl.exec("ROLLBACK");
    return e;
  };
  if (!impl.exec(kCreateV3)) return fail("migrate to 3");
  {
    Stmt sel(impl.db,
             "SELECT id, kiosk_id, kiosk_seq, ticket, service_id, content_version, created_at_ms, "
             "received_at_ms, body, state, staff_note, handled_at_ms, out_of_order FROM requests");
    Stmt ins(impl.db,
             "INSERT INTO requests_v3(id, kiosk_id, kiosk_seq, ticket, service_id, content_version, "
             "created_at_ms, received_at_ms, body_hash, body, state, staff_note, handled_at_ms, "
             "out_of_order, body_sealed) VALUES(?,?,?,?,?,?,?,?,?,NULL,?,CAST(? AS BLOB),?,?,"
             "CAST(? AS BLOB))");
    if (!sel.ok() || !ins.ok()) return fail("migrate to 3");
    int rc = 0;
    while ((rc = sel.step()) == SQLITE_ROW) {
      std::string id, ticket, service, version, body, state, note;
      int64_t kiosk = 0, seq = 0, created = 0, received = 0, handled = 0, ooo = 0;
      sel.read(id, kiosk, seq, ticket, service, version, created, received, body, state, note,
               handled, ooo);
      const HubKeys& k = *impl.opts.keys;
      std::string sealed = seal_at_rest(k, kiosk, id, body);
      ins.reset();
      ins.bind_all(id, kiosk, seq, ticket, service, version, created, received,
                   body_hash_hex(k, body), state, seal_note(k, kiosk, id, note), handled, ooo,
                   sealed);
      sodium_memzero(body.data(), body.size());
      if (!ins.done()) return fail("migrate to 3");
    }
    if (rc != SQLITE_DONE) return fail("migrate to 3");
  }
  {
    // The notes the kiosks pull down, sealed in place (read first, then
    // written: a table is not changed under its own scan).
    struct Note {
      int64_t seq = 0, kiosk = 0;
      std::string id, text;
    };
    std::vector<Note> notes;
    Stmt sel(impl.db, "SELECT seq, kiosk_id, request_id, staff_note FROM changes WHERE staff_note<>''");
    if (!sel.ok()) return fail("migrate to 3");
    int rc = 0;
    while ((rc = sel.step()) == SQLITE_ROW) {
      Note n;
      sel.read(n.seq, n.kiosk, n.id, n.text);
      notes.push_back(std::move(n));
    }
    if (rc != SQLITE_DONE) return fail("migrate to 3");
    Stmt up(impl.db, "UPDATE changes SET staff_note=CAST(? AS BLOB) WHERE seq=?");
    for (const auto& n : notes) {
      up.reset();
      up.bind_all(seal_note(*impl.opts.keys, n.kiosk, n.id, n.text), n.seq);
      if (!up.done()) return fail("migrate to 3");
    }
  }
  if (!impl.exec(kSwapV3)) return fail("migrate to 3");
  if (!impl.exec("COMMIT")) return fail("migrate to 3");
  if (rows > 0) {
    // The clear rows were on pages now free: rewritten away, and the log
    // that held the rewrite emptied into the file and cut to nothing.
    if (!impl.exec("VACUUM") || !impl.exec("PRAGMA wal_checkpoint(TRUNCATE)"))
      return db_error(impl.db, "migrate to 3: vacuum");
  }
  return ok_status();
}

void open_body(const HubKeys* keys, HubRequest& r, const std::string& sealed) {
  r.body.clear();
  r.unopenable = false;
  if (sealed.empty() || !keys) return;
  auto clear = open_at_rest(*keys, r.kiosk_id, r.id, sealed);
  if (clear) r.body = std::move(*clear);
  else r.unopenable = true;
}

}  // namespace kiosk::hub
