// See places.hpp.
#include "ui/session/places.hpp"

#include "ui/session/flow.hpp"

namespace kiosk::ui {

int BookingCache::local_bookings(const std::string& resource_key) const {
  if (!source_) return 0;
  auto it = bookings_.find(resource_key);
  if (it == bookings_.end())
    it = bookings_.emplace(resource_key, source_->local_bookings(resource_key)).first;
  return it->second;
}

bool BookingCache::has_dedup_key(const std::string& dedup_key) const {
  if (!source_) return false;
  auto it = dedup_.find(dedup_key);
  if (it == dedup_.end()) it = dedup_.emplace(dedup_key, source_->has_dedup_key(dedup_key)).first;
  return it->second;
}

std::string BookingCache::dedup_hash(const std::string& subject) const {
  return source_ ? source_->dedup_hash(subject) : std::string();
}

void BookingCache::forget() {
  bookings_.clear();
  dedup_.clear();
}

PlacesLeft count_places(const Service& s, const ContentBundle& c, const Answers& a,
                        const RuleContext& ctx) {
  PlacesLeft out;
  // The answers as the rules read them (typed numbers as numbers), those
  // that check; each item is tried in the pick's place.
  Answers normalized = Answers::object();
  for (const Field& f : s.fields) {
    if (!field_visible(f, a)) continue;
    std::vector<FieldError> ignored;
    if (auto v = normalize_answer(s, f, a, ctx, ignored); v && ignored.empty()) normalized[f.id] = *v;
  }
  auto count = [&](const Field& f, const std::string& id) {
    const PickPlaces pp = pick_places(s, f, id, c, a);
    PickState& st = out[f.id][id];
    st.left = places_left(ctx, pp.resource_key, pp.capacity, pp.booked);
    if (st.left <= 0) return;  // "full" says it
    Answers trial = normalized;
    trial[f.id] = id;
    for (const FieldError& e : check_service_rules(s, trial, ctx, nullptr))
      if (e.field == f.id) {
        st.why_not = e.message;
        break;
      }
  };
  for (const Page& p : s.pages) {
    for (const std::string& fid : p.fields) {
      const Field* f = s.field(fid);
      if (!f) continue;
      if (f->type == FieldType::SlotPick)
        for (const DutySlot& d : c.slots) count(*f, d.id);
      else if (f->type == FieldType::EventPick)
        for (const MixerEvent& e : c.events) count(*f, e.id);
      else if (f->type == FieldType::ClassPick)
        for (const ChildcareClass& k : c.classes) count(*f, k.id);
    }
  }
  return out;
}

}  // namespace kiosk::ui
