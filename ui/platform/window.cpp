#include "ui/platform/window.hpp"

#include <SDL.h>
#include <SDL_opengl.h>
#include <SDL_syswm.h>
#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>

#include <cfloat>
#include <cstdint>
#include <cstring>
#include <vector>

#include "ui/platform/kiosk_filter.hpp"
#include "ui/platform/x11_wm.hpp"

namespace kiosk::ui {

struct PlatformWindow::Impl {
  WindowOptions opt;
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  bool sdl_up = false;
  bool imgui_sdl_up = false;
  bool imgui_gl_up = false;
  bool swizzle = false;
  bool managed = false;  // X11 with a window manager: it keeps us fullscreen
  GLuint font_tex = 0;
  GLuint preview_tex = 0;
  int preview_w = 0, preview_h = 0;
  int enter_frames = 0;  // >0: Return held down for ImGui this many frames
  // The pointer as of the events handled so far. ImGui 1.86's SDL backend
  // polls SDL_GetMouseState(), which already reflects events still queued:
  // two quick taps would then merge into one frame, the first released over
  // the second key. The loop hands ImGui one press or release a frame.
  ImVec2 mouse_pos{-FLT_MAX, -FLT_MAX};
  bool mouse_down = false;
  bool mouse_pressed = false;  // went down since the last frame

  ~Impl() {
    if (font_tex) glDeleteTextures(1, &font_tex);
    if (preview_tex) glDeleteTextures(1, &preview_tex);
    if (imgui_gl_up) ImGui_ImplOpenGL3_Shutdown();
    if (imgui_sdl_up) ImGui_ImplSDL2_Shutdown();
    if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
    if (gl) SDL_GL_DeleteContext(gl);
    if (window) SDL_DestroyWindow(window);
    if (sdl_up) SDL_Quit();
  }
};

namespace {

void fit_to_display(SDL_Window* window) {
  SDL_Rect bounds;
  const int index = SDL_GetWindowDisplayIndex(window);
  if (SDL_GetDisplayBounds(index < 0 ? 0 : index, &bounds) != 0) return;
  SDL_SetWindowPosition(window, bounds.x, bounds.y);
  SDL_SetWindowSize(window, bounds.w, bounds.h);
}

}  // namespace

PlatformWindow::PlatformWindow() : impl_(std::make_unique<Impl>()) {}
PlatformWindow::~PlatformWindow() = default;

std::unique_ptr<PlatformWindow> PlatformWindow::open(const WindowOptions& opt,
                                                     std::string* error) {
  std::unique_ptr<PlatformWindow> w(new PlatformWindow());
  Impl& d = *w->impl_;
  d.opt = opt;
  // Closing the last window must not quit: only a signal ends the kiosk.
  SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
  // A kiosk that loses focus (a notification, a second screen) stays up.
  SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
  SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
  if (!opt.windowed) SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    *error = std::string("SDL_Init: ") + SDL_GetError();
    return nullptr;
  }
  d.sdl_up = true;
  // With no screen to show on, SDL falls back to a driver that draws
  // nowhere: a kiosk that seems to run but that no one can see. Only when
  // that driver was asked for by name (SDL_VIDEODRIVER) is it meant.
  const char* driver = SDL_GetCurrentVideoDriver();
  const char* asked = SDL_getenv("SDL_VIDEODRIVER");
  if (driver && (std::strcmp(driver, "offscreen") == 0 || std::strcmp(driver, "dummy") == 0) &&
      !(asked && std::strcmp(asked, driver) == 0)) {
    *error = std::string("no screen: only SDL's ") + driver + " driver started (DISPLAY or WAYLAND_DISPLAY unset?)";
    return nullptr;
  }

  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);

  Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI;
  int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
  int width = opt.width, height = opt.height;
  const bool x11 = std::strcmp(SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "", "x11") == 0;
  if (opt.windowed) {
    if (width <= 0 || height <= 0) { width = 1280; height = 720; }
  } else {
    SDL_Rect bounds{0, 0, 1920, 1080};
    SDL_GetDisplayBounds(0, &bounds);
    x = bounds.x;
    y = bounds.y;
    width = bounds.w;
    height = bounds.h;
    flags |= SDL_WINDOW_BORDERLESS;
    // On X11 the window starts as a borderless window covering the
    // display; fullscreen is asked of the window manager only if one runs
    // (see x11_wm.hpp). Elsewhere (Wayland, KMS) SDL's fullscreen is cheap.
    if (!x11) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  }
  d.window = SDL_CreateWindow(opt.title.c_str(), x, y, width, height, flags);
  if (!d.window) {
    *error = std::string("SDL_CreateWindow: ") + SDL_GetError();
    return nullptr;
  }
  if (!opt.windowed && x11) {
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (SDL_GetWindowWMInfo(d.window, &info) && info.subsystem == SDL_SYSWM_X11 &&
        x11_window_manager_running(info.info.x11.display)) {
      SDL_SetWindowFullscreen(d.window, SDL_WINDOW_FULLSCREEN_DESKTOP);
      d.managed = true;
    }
  }
  d.gl = SDL_GL_CreateContext(d.window);
  if (!d.gl) {
    *error = std::string("SDL_GL_CreateContext: ") + SDL_GetError();
    return nullptr;
  }
  SDL_GL_MakeCurrent(d.window, d.gl);
  SDL_GL_SetSwapInterval(1);

  const char* version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  int major = 0, minor = 0;
  if (version) std::sscanf(version, "%d.%d", &major, &minor);
  d.swizzle = major > 3 || (major == 3 && minor >= 3) ||
              SDL_GL_ExtensionSupported("GL_ARB_texture_swizzle") ||
              SDL_GL_ExtensionSupported("GL_EXT_texture_swizzle");

  if (!opt.windowed) {
    SDL_ShowCursor(SDL_DISABLE);
    SDL_SetWindowKeyboardGrab(d.window, SDL_TRUE);
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing written next to the binary
  io.LogFilename = nullptr;
  if (!opt.windowed) io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  d.imgui_sdl_up = ImGui_ImplSDL2_InitForOpenGL(d.window, d.gl);
  d.imgui_gl_up = ImGui_ImplOpenGL3_Init("#version 130");
  if (!d.imgui_sdl_up || !d.imgui_gl_up) {
    *error = "ImGui backend initialisation failed";
    return nullptr;
  }
  // Create the backend's shaders now, while the atlas holds only ImGui's
  // small default font, then drop its RGBA font texture: ours is uploaded
  // as one channel by upload_font_atlas().
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  io.Fonts->Clear();
  return w;
}

bool PlatformWindow::kiosk() const { return !impl_->opt.windowed; }
bool PlatformWindow::window_manager() const { return impl_->managed; }

int PlatformWindow::width() const {
  int w = 0, h = 0;
  SDL_GetWindowSize(impl_->window, &w, &h);
  return w;
}

int PlatformWindow::height() const {
  int w = 0, h = 0;
  SDL_GetWindowSize(impl_->window, &w, &h);
  return h;
}

std::string PlatformWindow::gl_renderer() const {
  const char* r = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  return r ? r : "";
}

int PlatformWindow::pump(double timeout_s, InputSink& sink) {
  Impl& d = *impl_;
  SDL_Event ev;
  int handled = 0;
  bool got = false;
  if (timeout_s < 0) {
    got = SDL_WaitEvent(&ev) == 1;
  } else {
    int ms = static_cast<int>(timeout_s * 1000.0 + 0.5);
    got = ms <= 0 ? SDL_PollEvent(&ev) == 1 : SDL_WaitEventTimeout(&ev, ms) == 1;
  }
  while (got) {
    ++handled;
    switch (classify_event(ev, !d.opt.windowed)) {
      case EventVerdict::Quit:
        sink.on_quit();
        break;
      case EventVerdict::Swallow:
        break;
      case EventVerdict::Pass:
        if (ev.type == SDL_TEXTINPUT) {
          sink.on_user_input();
          sink.on_text(ev.text.text);
        } else if ((ev.type == SDL_KEYDOWN || ev.type == SDL_KEYUP) &&
                   (ev.key.keysym.sym == SDLK_RETURN || ev.key.keysym.sym == SDLK_KP_ENTER)) {
          // Enter may end a scanner's burst: the app decides, not ImGui.
          if (ev.type == SDL_KEYDOWN && !ev.key.repeat) {
            sink.on_user_input();
            sink.on_enter();
          }
        } else {
          ImGui_ImplSDL2_ProcessEvent(&ev);
          bool end_batch = false;
          if (ev.type == SDL_MOUSEMOTION) {
            d.mouse_pos = ImVec2(static_cast<float>(ev.motion.x), static_cast<float>(ev.motion.y));
          } else if ((ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_MOUSEBUTTONUP) &&
                     ev.button.button == SDL_BUTTON_LEFT) {
            d.mouse_pos = ImVec2(static_cast<float>(ev.button.x), static_cast<float>(ev.button.y));
            d.mouse_down = ev.type == SDL_MOUSEBUTTONDOWN;
            if (d.mouse_down) d.mouse_pressed = true;
            end_batch = true;  // this press or release gets a frame of its own
          }
          switch (ev.type) {
            case SDL_MOUSEBUTTONDOWN:
            case SDL_MOUSEBUTTONUP:
            case SDL_MOUSEWHEEL:
            case SDL_FINGERDOWN:
            case SDL_FINGERUP:
            case SDL_KEYDOWN:
              sink.on_user_input();
              break;
            case SDL_MOUSEMOTION:
              // A finger dragging (scrolling) is input; a mouse merely
              // hovering over an unattended kiosk is too.
              sink.on_user_input();
              break;
            case SDL_WINDOWEVENT:
              if (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) sink.on_display_changed();
              break;
            case SDL_DISPLAYEVENT:
              // A monitor plugged, rotated or resized: with no window
              // manager to do it, the kiosk covers the display again.
              if (!d.opt.windowed && !d.managed) fit_to_display(d.window);
              break;
            default:
              break;
          }
          if (end_batch) return handled;
        }
        break;
    }
    got = SDL_PollEvent(&ev) == 1;
  }
  return handled;
}

void PlatformWindow::type_text(const std::string& utf8) {
  if (!utf8.empty()) ImGui::GetIO().AddInputCharactersUTF8(utf8.c_str());
}

void PlatformWindow::press_enter() { impl_->enter_frames = 2; }

void PlatformWindow::upload_font_atlas(ImFontAtlas& atlas) {
  Impl& d = *impl_;
  if (d.font_tex) {
    glDeleteTextures(1, &d.font_tex);
    d.font_tex = 0;
  }
  GLint last_texture = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
  glGenTextures(1, &d.font_tex);
  glBindTexture(GL_TEXTURE_2D, d.font_tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  unsigned char* alpha = nullptr;
  int w = 0, h = 0;
  atlas.GetTexDataAsAlpha8(&alpha, &w, &h);
  if (d.swizzle) {
    // One byte a texel; the sampler returns (1, 1, 1, coverage) like the
    // RGBA texture the backend's shader expects.
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, alpha);
    const GLint swizzle[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
  } else {
    unsigned char* rgba = nullptr;
    atlas.GetTexDataAsRGBA32(&rgba, &w, &h);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  }
  atlas.SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(d.font_tex)));
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
  // The GPU has its copy; the CPU one (8-16 MB) is not needed any more.
  atlas.ClearTexData();
}

void* PlatformWindow::upload_preview(const uint8_t* rgba, int width, int height) {
  Impl& d = *impl_;
  if (!rgba || width <= 0 || height <= 0) return nullptr;
  GLint last_texture = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
  if (!d.preview_tex) {
    glGenTextures(1, &d.preview_tex);
    glBindTexture(GL_TEXTURE_2D, d.preview_tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  } else {
    glBindTexture(GL_TEXTURE_2D, d.preview_tex);
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (width != d.preview_w || height != d.preview_h) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    d.preview_w = width;
    d.preview_h = height;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  }
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
  return reinterpret_cast<void*>(static_cast<intptr_t>(d.preview_tex));
}

void PlatformWindow::begin_frame() {
  Impl& d = *impl_;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = d.mouse_pos;
  io.MouseDown[0] = d.mouse_down || d.mouse_pressed;
  d.mouse_pressed = false;
  // Enter typed by a person (not a scanner) reaches ImGui as a key press
  // lasting one frame, then a release.
  if (d.enter_frames > 0) {
    io.KeysDown[SDL_SCANCODE_RETURN] = d.enter_frames == 2;
    --d.enter_frames;
  }
  ImGui::NewFrame();
}

void PlatformWindow::end_frame() {
  Impl& d = *impl_;
  ImGui::Render();
  ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
             static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  glClearColor(0.f, 0.f, 0.f, 1.f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(d.window);
}

}  // namespace kiosk::ui
