#include "ui/platform/x11_wm.hpp"

#include <X11/Xatom.h>
#include <X11/Xlib.h>

namespace kiosk::ui {

namespace {

// The window id stored in `atom` on `w`, or None.
Window window_property(Display* d, Window w, Atom atom) {
  Atom type = None;
  int format = 0;
  unsigned long count = 0, after = 0;
  unsigned char* data = nullptr;
  Window result = None;
  if (XGetWindowProperty(d, w, atom, 0, 1, False, XA_WINDOW, &type, &format, &count, &after,
                         &data) == Success &&
      type == XA_WINDOW && format == 32 && count == 1 && data)
    result = *reinterpret_cast<Window*>(data);
  if (data) XFree(data);
  return result;
}

int ignore_errors(Display*, XErrorEvent*) { return 0; }

}  // namespace

bool x11_window_manager_running(void* display) {
  auto* d = static_cast<Display*>(display);
  if (!d) return false;
  const Atom check = XInternAtom(d, "_NET_SUPPORTING_WM_CHECK", True);
  if (check == None) return false;  // no EWMH window manager ever ran here
  const Window child = window_property(d, DefaultRootWindow(d), check);
  if (child == None) return false;
  // A window manager that died leaves the root's property behind; its
  // check window went with it (reading it then raises BadWindow).
  XSync(d, False);
  auto* previous = XSetErrorHandler(ignore_errors);
  const Window self = window_property(d, child, check);
  XSync(d, False);
  XSetErrorHandler(previous);
  return self == child;
}

}  // namespace kiosk::ui
