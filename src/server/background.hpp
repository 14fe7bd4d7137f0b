// background.hpp: a background thread that runs one round of work every period, sooner when woken, until stopped.
//
// The server's workers (provisioning, partner webhooks, reconciliation) share it: each round is a plain function;
// stop() waits for the round in progress, and no round starts after it. Rounds never overlap.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace jupiter::server {

class Background {
 public:
  Background() = default;
  ~Background() { stop(); }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // Runs `round` after each `period` (> 0) and after each wake(), on a thread of its own. Call once.
  void start(std::chrono::milliseconds period, std::function<void()> round);
  // Makes the next round start now (or right after the one in progress).
  void wake();
  // Ends the thread after the round in progress; safe to call more than once and from the destructor.
  void stop();

 private:
  void run(std::chrono::milliseconds period, const std::function<void()>& round);

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace jupiter::server
