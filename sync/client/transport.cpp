#include "sync/client/transport.hpp"
#include "kiosk/base/net.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>

#include "kiosk/base/strings.hpp"
#include "sync/protocol/protocol.hpp"

namespace kiosk::sync {

static_assert(TransportOptions{}.max_reply_bytes == kMaxReplyBytes,
              "the kiosk's reply cap is the protocol's");

namespace {

std::once_flag g_curl_once;

// One place that says what a curl failure means for the caller.
HubReply classify_curl(CURLcode rc) {
  HubReply r;
  r.detail = curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      r.kind = NetKind::Transient;
      r.error = "offline";
      break;
    case CURLE_OPERATION_TIMEDOUT:
      r.kind = NetKind::Transient;
      r.error = "timeout";
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      r.kind = NetKind::Misconfigured;
      r.error = "tls_failed";
      break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      r.kind = NetKind::Misconfigured;
      r.error = "bad_url";
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      r.kind = NetKind::Transient;
      r.error = "stopped";
      break;
    case CURLE_OUT_OF_MEMORY:
      r.kind = NetKind::Transient;
      r.error = "no_memory";
      break;
    default:
      // Resets, empty replies, partial bodies, handshake cut short: the
      // network, not the request. The same batch is sent again later.
      r.kind = NetKind::Transient;
      r.error = "connection_lost";
      break;
  }
  return r;
}

void classify_status(HubReply& r) {
  const long s = r.status;
  if (s >= 200 && s < 300) {
    r.kind = NetKind::Ok;
    r.error.clear();
  } else if (s == 401 || s == 403) {
    r.kind = NetKind::Refused;
    r.error = s == 403 ? "revoked" : "unauthorized";
  } else if (s == 400 || s == 413 || s == 415 || s == 422) {
    r.kind = NetKind::Rejected;
    r.error = "rejected";
  } else if (s == 408 || s == 425 || s == 429 || s >= 500) {
    r.kind = NetKind::Transient;
    r.error = (s == 503 || s == 429) ? "hub_busy" : "hub_error";
  } else {
    // 3xx (redirects are not followed), 404, 405, ...: wrong URL or version.
    r.kind = NetKind::Misconfigured;
    r.error = "hub_mismatch";
  }
  if (r.kind != NetKind::Ok) r.detail = "HTTP " + std::to_string(s);
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* abort = static_cast<const std::atomic<bool>*>(user);
  return abort && abort->load() ? 1 : 0;
}

// The reply body, held to a cap while it arrives: past it the write
// callback refuses the bytes and curl ends the transfer (CURLE_WRITE_ERROR).
struct BodySink {
  std::string* body;
  int64_t cap;
  bool over = false;
};

size_t on_body(char* ptr, size_t size, size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t len = size * n;
  if (static_cast<int64_t>(sink->body->size() + len) > sink->cap) {
    sink->over = true;
    std::string().swap(*sink->body);
    return 0;
  }
  sink->body->append(ptr, len);
  return len;
}

size_t on_header(char* ptr, size_t size, size_t n, void* user) {
  std::string line(ptr, size * n);
  auto* r = static_cast<HubReply*>(user);
  const std::string name = "retry-after:";
  if (line.size() > name.size()) {
    std::string head = line.substr(0, name.size());
    std::transform(head.begin(), head.end(), head.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (head == name) {
      std::string v = line.substr(name.size());
      v.erase(0, v.find_first_not_of(" \t"));
      while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.pop_back();
      long secs = -1;
      if (!v.empty() && std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
        secs = v.size() > 6 ? 3600 : std::stol(v);
      } else if (!v.empty()) {
        time_t t = curl_getdate(v.c_str(), nullptr);
        if (t > 0) secs = std::max<long>(0, static_cast<long>(t - std::time(nullptr)));
      }
      if (secs >= 0) r->retry_after_s = static_cast<int>(std::min<long>(secs, 3600));
    }
  }
  return size * n;
}

}  // namespace

std::string_view to_string(NetKind k) {
  switch (k) {
    case NetKind::Ok: return "ok";
    case NetKind::Transient: return "transient";
    case NetKind::Rejected: return "rejected";
    case NetKind::Refused: return "refused";
    case NetKind::Misconfigured: return "misconfigured";
  }
  return "transient";
}

Status check_hub_url(const std::string& url, bool allow_plain_http_loopback) {
  std::call_once(g_curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURLU* u = curl_url();
  char* scheme = nullptr;
  char* host = nullptr;
  bool parsed = curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
                curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK;
  std::string s = scheme ? scheme : "", h = host ? host : "";
  curl_free(scheme);
  curl_free(host);
  curl_url_cleanup(u);
  if (!parsed || url.empty())
    return Error{ErrorKind::BadUrl, tr("sync.bad_url"), "hub_url", "cannot parse the hub URL"};
  if (s == "https") return ok_status();
  if (s == "http" && allow_plain_http_loopback && is_loopback_host(h)) return ok_status();
  if (s == "http")
    return Error{ErrorKind::PlainHttpRefused, tr("sync.plain_http_refused"), "hub_url",
                 "http:// is only allowed to loopback with allow_plain_http_loopback"};
  return Error{ErrorKind::BadUrl, tr("sync.bad_url"), "hub_url", "scheme must be https"};
}

std::string url_escape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

struct HubTransport::Impl {
  HubEndpoint ep;
  TransportOptions opt;
  CURL* curl = nullptr;  // kept between calls: connection reuse (keep-alive)
  std::string base;
  int connections = 0;

  void count_connects(CURL* c) {
    long n = 0;
    if (curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &n) == CURLE_OK) connections += static_cast<int>(n);
  }

  HubReply perform(std::string_view path, const std::string* body) {
    HubReply r;
    if (auto st = check_hub_url(ep.url, ep.allow_plain_http_loopback); !st) {
      r.kind = NetKind::Misconfigured;
      r.error = st.error().name();
      r.detail = st.error().detail;
      return r;
    }
    if (!curl) curl = curl_easy_init();
    if (!curl) {
      r.error = "no_memory";
      return r;
    }
    CURL* c = curl;
    curl_easy_reset(c);
    std::string url = base + std::string(path);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");  // a kiosk talks to its hub directly
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt.connect_timeout_ms));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(opt.total_timeout_ms));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(opt.low_speed_bytes_per_s));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(opt.low_speed_time_s));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!ep.ca_file.empty()) {
      // Only the configured CA: the system store is switched off.
      curl_easy_setopt(c, CURLOPT_CAINFO, ep.ca_file.c_str());
      curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);
    }
    BodySink sink{&r.body, opt.max_reply_bytes};
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    // A Content-Length past the cap is refused before a byte of the body.
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(opt.max_reply_bytes));
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    if (opt.abort) {
      curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
      curl_easy_setopt(c, CURLOPT_XFERINFODATA, opt.abort);
      curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    curl_easy_setopt(c, CURLOPT_USERAGENT, "union-kiosk/" KIOSK_VERSION);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Accept: application/json");
    std::string auth;
    if (!ep.token.empty()) {
      auth = "Authorization: Bearer " + ep.token;
      headers = curl_slist_append(headers, auth.c_str());
    }
    if (body) {
      headers = curl_slist_append(headers, "Content-Type: application/json");
      headers = curl_slist_append(headers, "Expect:");
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    } else {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      int ra = r.retry_after_s;
      r = classify_curl(rc);
      r.retry_after_s = ra;
      if (sink.over || rc == CURLE_FILESIZE_EXCEEDED) {
        // The hub answered, but with more than any reply can be: stop and report.
        r.kind = NetKind::Misconfigured;
        r.error = "reply_too_large";
        r.detail = "reply over " + std::to_string(opt.max_reply_bytes) + " bytes";
        r.body.clear();
      }
      r.reach = r.error == "reply_too_large" ? Reach::Up : Reach::Down;
      count_connects(c);
      // A broken connection is not reused.
      curl_easy_cleanup(curl);
      curl = nullptr;
      return r;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    r.reach = Reach::Up;
    count_connects(c);
    classify_status(r);
    return r;
  }
};

HubTransport::HubTransport(HubEndpoint endpoint, TransportOptions options)
    : impl_(std::make_unique<Impl>()) {
  std::call_once(g_curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->ep = std::move(endpoint);
  impl_->opt = options;
  impl_->base = impl_->ep.url;
  while (!impl_->base.empty() && impl_->base.back() == '/') impl_->base.pop_back();
}

HubTransport::~HubTransport() {
  if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

HubReply HubTransport::post(std::string_view path, const std::string& json_body) {
  return impl_->perform(path, &json_body);
}

HubReply HubTransport::get(std::string_view path_and_query) {
  return impl_->perform(path_and_query, nullptr);
}

const HubEndpoint& HubTransport::endpoint() const { return impl_->ep; }

int HubTransport::connections_opened() const { return impl_->connections; }

}  // namespace kiosk::sync
