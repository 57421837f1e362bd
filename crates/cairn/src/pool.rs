//! The analysis threads of `cairn scan`: rayon's global pool, one worker per core it may use,
//! each worker held on a core of its own.
//!
//! Why pin: the writer thread wakes a worker for each chunk and then sleeps. Linux places the
//! woken worker next to the waker, often on the core where the other worker runs; the core the
//! writer leaves is then idle, and the scheduler does not move a worker that ran a moment ago
//! (it is "cache hot") until its next periodic balancing. `perf sched timehist` of a scan of
//! 20,000 ads on a 2-core VM showed both workers taking turns on one core while the other stood
//! idle for 7-8 ms at a time, 23 ms of a 380 ms run. Pinned, they cannot share a core; the
//! writer and the reader still go wherever the scheduler puts them.
//!
//! Only when the workers are exactly as many as the cores the process may run on (the default):
//! with `--jobs` below that, or a CPU quota smaller than the affinity mask, the scheduler keeps
//! its freedom.

/// Builds the global pool with `jobs` workers (`None`: rayon's default, `RAYON_NUM_THREADS` or
/// the available parallelism). Does nothing if the global pool exists.
pub fn build_global(jobs: Option<usize>) {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    if let Some(cores) = allowed_cores() {
        builder = builder.start_handler(move |index| {
            // The pool's own count, so that rayon alone decides its default.
            let workers = rayon::current_num_threads();
            if pinned(&cores, workers)
                && let Some(&core) = cores.get(index)
                && let Err(e) = pin_current_thread(core)
            {
                tracing::debug!("analysis thread {index} not pinned to core {core}: {e}");
            }
        });
    }
    // Fails only when the pool was built already, which leaves it as it was.
    let _ = builder.build_global();
}

/// Whether `workers` workers are pinned, one to each of `cores` (the affinity mask): only when
/// there are at least two and exactly one per core.
fn pinned(cores: &[usize], workers: usize) -> bool {
    workers >= 2 && cores.len() == workers
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn allowed_cores() -> Option<Vec<usize>> {
    rustix::thread::sched_getaffinity(None)
        .ok()
        .map(|set| cores_in(&set))
}

/// The cores of a mask, in increasing order.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn cores_in(set: &rustix::thread::CpuSet) -> Vec<usize> {
    (0..rustix::thread::CpuSet::MAX_CPU)
        .filter(|&c| set.is_set(c))
        .collect()
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn allowed_cores() -> Option<Vec<usize>> {
    None
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn pin_current_thread(core: usize) -> std::io::Result<()> {
    use rustix::thread::{CpuSet, sched_setaffinity};
    let mut set = CpuSet::new();
    set.set(core);
    sched_setaffinity(None, &set)?;
    Ok(())
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn pin_current_thread(_core: usize) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_is_never_pinned() {
        assert!(!pinned(&[0], 1));
        assert!(!pinned(&[], 0));
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn workers_are_pinned_only_one_per_allowed_core() {
        let cores = allowed_cores().expect("the affinity mask of this process");
        assert!(!cores.is_empty());
        assert!(cores.windows(2).all(|w| w[0] < w[1]));
        if cores.len() >= 2 {
            assert!(pinned(&cores, cores.len()));
        }
        assert!(!pinned(&cores, cores.len() + 1));
        if cores.len() > 2 {
            assert!(!pinned(&cores, cores.len() - 1));
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_pinned_thread_runs_on_its_core_only() {
        let cores = allowed_cores().expect("the affinity mask of this process");
        let core = *cores.last().expect("at least one core");
        let seen = std::thread::spawn(move || {
            pin_current_thread(core).expect("pinning to an allowed core");
            cores_in(&rustix::thread::sched_getaffinity(None).expect("the thread's mask"))
        })
        .join()
        .expect("the pinned thread");
        assert_eq!(seen, vec![core]);
    }
}
