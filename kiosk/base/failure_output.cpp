#include "kiosk/base/failure_output.hpp"

#include <ostream>

namespace kiosk {

nlohmann::json error_json(const Error& e) {
  return {{"ok", false},
          {"error", e.name()},
          {"message", {{"zh", e.message.zh}, {"en", e.message.en}}},
          {"field", e.field},
          {"detail", e.detail}};
}

int print_failure(std::ostream& out, std::ostream& err, bool as_json, const Error& e, int exit_code) {
  if (as_json) {
    out << error_json(e).dump(2) << "\n";
  } else {
    err << e.message.zh << "\n" << e.message.en << "\n";
    if (!e.detail.empty()) err << "(" << e.name() << ": " << e.detail << ")\n";
  }
  return exit_code;
}

}  // namespace kiosk
