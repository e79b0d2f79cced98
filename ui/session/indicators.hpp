// What the background workers (sync thread, camera) last reported, as plain
// values the main loop hands to the session once a frame. No ImGui, no SDL.
#pragma once
#include <string>

namespace kiosk::ui {

// Snapshot of the sync thread's state, posted to the main loop.
struct SyncIndicator {
  bool hub_configured = false;
  bool online = false;
  int waiting = 0;        // requests not yet delivered
  std::string last_error; // short, no personal data
};

// What the camera is doing, so the scan screen can tell the worker to hold
// the code up to it or to use the scanner instead.
enum class CameraState {
  None,      // no camera (source none, no device, an empty image folder)
  Starting,  // opening, or open with no picture yet
  Live,      // pictures arriving: the preview holds the latest
  Failed,    // the camera failed (retried in the background)
};

// Live camera preview, RGBA, owned by the platform (uploaded to a texture).
struct PreviewFrame {
  void* texture_id = nullptr;  // ImTextureID; set while Live
  int width = 0, height = 0;
  CameraState camera = CameraState::None;
};

}  // namespace kiosk::ui
