// The kiosk's window: SDL2 + OpenGL3 through Dear ImGui's backends. The only
// code that includes SDL or GL. It supports:
//  - fullscreen borderless at the display's resolution (landscape or
//    portrait), or a plain window of a given size for development;
//  - kiosk mode: Escape, Alt+F4, Alt+Tab and window close are swallowed, the
//    keyboard is grabbed, the cursor hidden; SIGTERM/SIGINT still end it;
//  - event waiting with a timeout, so an idle kiosk sleeps in the kernel;
//  - the font atlas uploaded as a one-channel texture (4x smaller than RGBA);
//  - a camera preview texture.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

struct ImFontAtlas;

namespace kiosk::ui {

struct WindowOptions {
  bool windowed = false;  // false: kiosk (fullscreen, input filtering)
  int width = 0, height = 0;
  std::string title = "union-kiosk";
};

// What the events of one pump() meant to the application. Mouse, touch and
// keys already went to ImGui; typed text did not (the app decides whether it
// was a scanner burst or a person typing).
class InputSink {
 public:
  virtual ~InputSink() = default;
  virtual void on_user_input() = 0;                 // any touch, click or key
  virtual void on_text(const char* utf8) = 0;       // SDL text input
  virtual void on_enter() = 0;                      // Return / keypad Enter
  virtual void on_quit() = 0;                       // SIGTERM/SIGINT (or close when windowed)
  virtual void on_display_changed() {}              // resized / rotated
};

class PlatformWindow {
 public:
  // Creates the ImGui context too. Null and `error` set on failure.
  static std::unique_ptr<PlatformWindow> open(const WindowOptions& opt, std::string* error);
  ~PlatformWindow();
  PlatformWindow(const PlatformWindow&) = delete;
  PlatformWindow& operator=(const PlatformWindow&) = delete;

  bool kiosk() const;
  // X11 kiosk with a window manager, asked to keep the window fullscreen;
  // false on a bare X server, where a borderless window covers the display.
  bool window_manager() const;
  int width() const;
  int height() const;

  // Waits up to timeout_s (< 0: until an event) for the first event, then
  // handles every queued one. Returns the number of events handled.
  int pump(double timeout_s, InputSink& sink);
  // Text and Enter the application decided a person typed.
  void type_text(const std::string& utf8);
  void press_enter();

  // (Re)uploads the atlas pixels (TexPixelsAlpha8) and frees the CPU copy.
  void upload_font_atlas(ImFontAtlas& atlas);
  // Camera preview (RGBA): returns the ImTextureID to draw it with.
  void* upload_preview(const uint8_t* rgba, int width, int height);

  void begin_frame();  // backends' NewFrame + ImGui::NewFrame
  void end_frame();    // ImGui::Render, draw, swap

  std::string gl_renderer() const;

 private:
  PlatformWindow();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::ui
