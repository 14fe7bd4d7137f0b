// stop_signals.hpp: how a process of this project (the store server, each sandbox) stops on SIGINT/SIGTERM.
//
// block_stop_signals() runs in main before any thread starts, so every thread inherits the mask and only the
// waiter of serve_until_stop_signal sees the signals; it also ignores SIGPIPE (a client hanging up mid-response
// must not kill the process).
#pragma once
#include <functional>

namespace jupiter::server {

void block_stop_signals();

// Runs listen() (which blocks while serving) with a waiter thread: on SIGINT or SIGTERM the waiter calls
// stop(signal), which must make listen() return. When listen() returns on its own, stop is not called.
// Returns what listen() returned.
bool serve_until_stop_signal(const std::function<bool()>& listen, const std::function<void(int)>& stop);

}  // namespace jupiter::server
