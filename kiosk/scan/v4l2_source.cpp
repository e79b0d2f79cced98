// A USB camera through the V4L2 ioctl API (what SDL2 lacks): YUYV preferred
// (its Y plane is the decoder's input with no conversion), MJPEG accepted
// (decoded with stb_image), mmap streaming with a few buffers.
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "kiosk/base/strings.hpp"
#include "kiosk/scan/scan_source.hpp"

namespace kiosk::scan {
namespace {

namespace fs = std::filesystem;

int xioctl(int fd, unsigned long req, void* arg) {
  int r;
  do r = ::ioctl(fd, req, arg);
  while (r == -1 && errno == EINTR);
  return r;
}

Error camera_error(int err, const std::string& what) {
  const ErrorKind kind = (err == ENOENT || err == ENODEV || err == ENXIO) ? ErrorKind::CameraAbsent
                         : err == EBUSY                                   ? ErrorKind::CameraBusy
                                                                          : ErrorKind::CameraFailed;
  return Error{kind, tr("scan." + to_string(kind)), "", what + ": " + std::strerror(err)};
}

bool is_capture_device(int fd) {
  v4l2_capability cap{};
  if (xioctl(fd, VIDIOC_QUERYCAP, &cap) != 0) return false;
  uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  return (caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_STREAMING);
}

class V4l2Source final : public ScanSource {
 public:
  V4l2Source(std::string device, V4l2Options o) : device_(std::move(device)), opt_(o) {}
  ~V4l2Source() override { close(); }

  std::string describe() const override {
    std::string d = "v4l2:" + device_;
    if (fd_ >= 0)
      d += " " + std::to_string(width_) + "x" + std::to_string(height_) + (mjpeg_ ? " MJPEG" : " YUYV");
    return d;
  }

  Status open() override {
    close();
    fd_ = ::open(device_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) return camera_error(errno, device_);
    if (!is_capture_device(fd_)) {
      close();
      return Error{ErrorKind::CameraAbsent, tr("scan.camera_absent"), "", device_ + ": not a streaming capture device"};
    }
    auto st = configure();
    if (!st) close();
    return st;
  }

  void close() override {
    if (fd_ < 0) return;
    if (streaming_) {
      v4l2_buf_type t = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      xioctl(fd_, VIDIOC_STREAMOFF, &t);
      streaming_ = false;
    }
    for (auto& b : buffers_)
      if (b.start != MAP_FAILED && b.start) ::munmap(b.start, b.length);
    buffers_.clear();
    v4l2_requestbuffers req{};
    req.count = 0;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    xioctl(fd_, VIDIOC_REQBUFS, &req);
    ::close(fd_);
    fd_ = -1;
    held_ = -1;
  }

  Expected<bool> next_frame(SourceFrame& out, int timeout_ms) override {
    if (fd_ < 0) return Error{ErrorKind::CameraFailed, tr("scan.camera_failed"), "", device_ + ": not open"};
    if (!requeue_held()) return camera_error(errno, device_ + " QBUF");
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, std::max(0, timeout_ms));
    if (r < 0 && errno == EINTR) return false;
    if (r < 0) return camera_error(errno, device_ + " poll");
    if (r == 0) return false;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return camera_error(ENODEV, device_);
    v4l2_buffer b{};
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    if (xioctl(fd_, VIDIOC_DQBUF, &b) != 0) {
      if (errno == EAGAIN) return false;
      return camera_error(errno, device_ + " DQBUF");
    }
    held_ = int(b.index);
    const auto* data = static_cast<const uint8_t*>(buffers_[b.index].start);
    if (b.flags & V4L2_BUF_FLAG_ERROR) return false;  // a torn frame: skip it
    if (mjpeg_) {
      auto img = load_image_memory(data, b.bytesused);
      if (!img) return false;  // some MJPEG frames are partial: wait for the next
      decoded_ = std::move(*img);
      out.view = decoded_.view();
    } else {
      if (b.bytesused < size_t(stride_) * size_t(height_)) return false;
      out.view = FrameView{data, width_, height_, stride_, PixelFormat::YUYV};
    }
    out.sequence = ++seq_;
    return true;
  }

 private:
  struct Buffer {
    void* start = nullptr;
    size_t length = 0;
  };

  bool requeue_held() {
    if (held_ < 0) return true;
    v4l2_buffer b{};
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    b.index = uint32_t(held_);
    held_ = -1;
    return xioctl(fd_, VIDIOC_QBUF, &b) == 0;
  }

  Status configure() {
    bool has_yuyv = false, has_mjpeg = false;
    v4l2_fmtdesc d{};
    d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    for (d.index = 0; xioctl(fd_, VIDIOC_ENUM_FMT, &d) == 0; ++d.index) {
      has_yuyv = has_yuyv || d.pixelformat == V4L2_PIX_FMT_YUYV;
      has_mjpeg = has_mjpeg || d.pixelformat == V4L2_PIX_FMT_MJPEG;
    }
    if (!has_yuyv && !has_mjpeg)
      return Error{ErrorKind::CameraFailed, tr("scan.camera_failed"), "", device_ + ": neither YUYV nor MJPEG"};
    v4l2_format f{};
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    f.fmt.pix.width = uint32_t(opt_.width);
    f.fmt.pix.height = uint32_t(opt_.height);
    f.fmt.pix.pixelformat = has_yuyv ? V4L2_PIX_FMT_YUYV : V4L2_PIX_FMT_MJPEG;
    f.fmt.pix.field = V4L2_FIELD_ANY;
    if (xioctl(fd_, VIDIOC_S_FMT, &f) != 0) return camera_error(errno, device_ + " S_FMT");
    mjpeg_ = f.fmt.pix.pixelformat == V4L2_PIX_FMT_MJPEG;
    if (!mjpeg_ && f.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV)
      return Error{ErrorKind::CameraFailed, tr("scan.camera_failed"), "", device_ + ": driver chose another pixel format"};
    width_ = int(f.fmt.pix.width);
    height_ = int(f.fmt.pix.height);
    stride_ = f.fmt.pix.bytesperline ? int(f.fmt.pix.bytesperline) : width_ * 2;

    v4l2_streamparm parm{};
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    parm.parm.capture.timeperframe.numerator = 1;
    parm.parm.capture.timeperframe.denominator = uint32_t(std::max(1, opt_.fps));
    xioctl(fd_, VIDIOC_S_PARM, &parm);  // a hint: not every camera takes it

    v4l2_requestbuffers req{};
    req.count = 4;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(fd_, VIDIOC_REQBUFS, &req) != 0) return camera_error(errno, device_ + " REQBUFS");
    if (req.count < 2) return Error{ErrorKind::CameraFailed, tr("scan.camera_failed"), "", device_ + ": too few buffers"};
    for (uint32_t i = 0; i < req.count; ++i) {
      v4l2_buffer b{};
      b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      b.memory = V4L2_MEMORY_MMAP;
      b.index = i;
      if (xioctl(fd_, VIDIOC_QUERYBUF, &b) != 0) return camera_error(errno, device_ + " QUERYBUF");
      void* p = ::mmap(nullptr, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, b.m.offset);
      if (p == MAP_FAILED) return camera_error(errno, device_ + " mmap");
      buffers_.push_back({p, b.length});
      if (xioctl(fd_, VIDIOC_QBUF, &b) != 0) return camera_error(errno, device_ + " QBUF");
    }
    v4l2_buf_type t = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(fd_, VIDIOC_STREAMON, &t) != 0) return camera_error(errno, device_ + " STREAMON");
    streaming_ = true;
    return ok_status();
  }

  std::string device_;
  V4l2Options opt_;
  int fd_ = -1;
  bool streaming_ = false;
  bool mjpeg_ = false;
  int width_ = 0, height_ = 0, stride_ = 0;
  int held_ = -1;  // buffer lent to the caller until the next next_frame()
  std::vector<Buffer> buffers_;
  Image decoded_;
  uint64_t seq_ = 0;
};

}  // namespace

std::unique_ptr<ScanSource> make_v4l2_source(const std::string& device, V4l2Options options) {
  return std::make_unique<V4l2Source>(device, options);
}

std::vector<std::string> list_v4l2_capture_devices() {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it("/dev", ec), end; !ec && it != end; it.increment(ec)) {
    auto name = it->path().filename().string();
    if (name.rfind("video", 0) != 0) continue;
    int fd = ::open(it->path().c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    if (is_capture_device(fd)) out.push_back(it->path().string());
    ::close(fd);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace kiosk::scan
