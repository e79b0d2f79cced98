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
  auto count = [&](const Field& f, const std::string& id) {
    const PickPlaces pp = pick_places(s, f, id, c, a);
    out[f.id][id] = places_left(ctx, pp.resource_key, pp.capacity, pp.booked);
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
