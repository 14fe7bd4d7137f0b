// stop_signals.cpp: see stop_signals.hpp.
#include "server/stop_signals.hpp"

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <thread>

namespace jupiter::server {

namespace {

sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void block_stop_signals() {
  const sigset_t set = stop_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool serve_until_stop_signal(const std::function<bool()>& listen, const std::function<void(int)>& stop) {
  std::atomic<bool> finished{false};
  std::thread waiter([&stop, &finished] {
    const sigset_t set = stop_set();
    int sig = 0;
    sigwait(&set, &sig);
    if (!finished) stop(sig);
  });
  const bool ok = listen();
  finished = true;
  pthread_kill(waiter.native_handle(), SIGTERM);  // wakes the waiter when listen() ended on its own
  waiter.join();
  return ok;
}

}  // namespace jupiter::server
