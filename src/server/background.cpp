// background.cpp: see background.hpp.
#include "server/background.hpp"

#include <utility>

namespace jupiter::server {

void Background::start(std::chrono::milliseconds period, std::function<void()> round) {
  thread_ = std::thread([this, period, round = std::move(round)] { run(period, round); });
}

void Background::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Background::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Background::run(std::chrono::milliseconds period, const std::function<void()>& round) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, period, [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    round();
  }
}

}  // namespace jupiter::server
