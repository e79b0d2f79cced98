// Places left of the pick lists (duty slots, events, childcare classes),
// counted when a page opens or a request was committed, not per frame:
// the screens read them from the view.
#pragma once
#include <map>
#include <string>

#include "kiosk/domain/content.hpp"
#include "kiosk/domain/form.hpp"

namespace kiosk::ui {

// The request store's answers kept until forget(): the rules and the pick
// lists ask the same counts many times between two changes.
class BookingCache : public BookingLedger {
 public:
  explicit BookingCache(const BookingLedger* source) : source_(source) {}
  int local_bookings(const std::string& resource_key) const override;
  bool has_dedup_key(const std::string& dedup_key) const override;
  std::string dedup_hash(const std::string& subject) const override;  // the store's, not cached
  // The next question reads the store again.
  void forget();

 private:
  const BookingLedger* source_;
  mutable std::map<std::string, int> bookings_;
  mutable std::map<std::string, bool> dedup_;
};

// One item of a pick list as the worker may take it: the places left, and
// why it cannot be chosen when a rule says so for this worker (signed up
// for it already, a class for other ages than the child's, signup not
// open), in words.
struct PickState {
  int left = 0;
  Text why_not;
};

// By pick field id, then by item id.
using PlacesLeft = std::map<std::string, std::map<std::string, PickState>>;
PlacesLeft count_places(const Service& s, const ContentBundle& c, const Answers& a,
                        const RuleContext& ctx);

}  // namespace kiosk::ui
