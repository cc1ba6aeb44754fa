// A small work-claiming thread pool for the element-wise kernels.
//
// The caller splits a range into chunks; the calling thread and the workers claim chunks from
// one atomic counter, and the caller waits only for chunks a worker has already claimed. A
// worker that is not scheduled (other processes on the cores) therefore never delays a
// kernel: the caller does its share. OpenMP's fork/join barrier, by contrast, waits for every
// team member to arrive.
#pragma once

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wm {

class WorkPool {
 public:
  static WorkPool& Get() {
    static WorkPool pool;
    return pool;
  }

  /** Threads taking part in a run, the caller included. */
  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  void Resize(int threads) {
    Stop();
    stop_ = false;
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  }

  /** fn(begin, end) over [0, n) in chunks of `grain`; runs inline when there is one chunk. */
  void Run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    grain = std::max<int64_t>(grain, 1);
    const int64_t chunks = (n + grain - 1) / grain;
    if (chunks == 1 || workers_.empty() || serial_runs_left_ > 0) {
      if (serial_runs_left_ > 0) --serial_runs_left_;
      fn(0, n);
      return;
    }
    std::unique_lock<std::mutex> run_lock(run_mutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fn_ = &fn;
      n_.store(n, std::memory_order_relaxed);
      grain_.store(grain, std::memory_order_relaxed);
      chunks_.store(chunks, std::memory_order_relaxed);
      done_.store(0, std::memory_order_relaxed);
      ++generation_;
      // Claims encode the generation in the high 32 bits, so a late worker cannot take a
      // chunk of a finished run.
      claim_.store(static_cast<uint64_t>(generation_) << 32, std::memory_order_release);
    }
    cv_.notify_all();
    const auto t0 = std::chrono::steady_clock::now();
    Work(generation_);
    const auto t1 = std::chrono::steady_clock::now();
    while (done_.load(std::memory_order_acquire) < chunks) std::this_thread::yield();
    const auto t2 = std::chrono::steady_clock::now();
    // A worker that claimed a chunk and was then descheduled (other processes on the cores)
    // kept the caller waiting longer than its own share of the work took: run serially for a
    // while, then try again.
    if (t2 - t1 > std::max<std::chrono::steady_clock::duration>(t1 - t0, std::chrono::microseconds(200))) {
      serial_runs_left_ = kSerialRunsAfterStall;
    }
  }

  ~WorkPool() { Stop(); }

 private:
  WorkPool() {
    int n = omp_get_max_threads();
    Resize(std::max(1, n));
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  // Claims and runs chunks of generation `gen` until none are left.
  void Work(uint32_t gen) {
    for (;;) {
      uint64_t cur = claim_.load(std::memory_order_acquire);
      if (static_cast<uint32_t>(cur >> 32) != gen) return;
      int64_t c = static_cast<int64_t>(cur & 0xffffffffu);
      if (c >= chunks_.load(std::memory_order_relaxed)) return;
      if (!claim_.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel)) continue;
      const int64_t g = grain_.load(std::memory_order_relaxed);
      const int64_t b = c * g, e = std::min(n_.load(std::memory_order_relaxed), b + g);
      (*fn_)(b, e);
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void WorkerLoop() {
    omp_set_num_threads(1);  // oneDNN calls made from a pool chunk stay on this thread
    uint32_t seen = 0;
    for (;;) {
      uint32_t gen;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        gen = generation_;
      }
      seen = gen;
      Work(gen);
    }
  }

  static constexpr int kSerialRunsAfterStall = 200;
  int serial_runs_left_ = 0;
  std::vector<std::thread> workers_;
  std::mutex mutex_, run_mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint32_t generation_ = 0;
  std::atomic<uint64_t> claim_{0};
  std::atomic<int64_t> done_{0};
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  std::atomic<int64_t> n_{0}, grain_{1}, chunks_{0};
};

}  // namespace wm
