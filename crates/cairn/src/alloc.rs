//! The process's allocator: mimalloc, entered through its plain `mi_malloc` / `mi_realloc` /
//! `mi_zalloc` wherever their natural alignment is enough, as std's `System` does with `malloc`.
//!
//! The `mimalloc` crate sends every allocation through `mi_malloc_aligned`, whose fast path checks
//! the alignment of the free block it found and otherwise goes through an over-allocating
//! generic path: one allocation in six took it in `cairn scan` (callgrind, 2026-12-06). Nearly
//! every Rust allocation asks for an alignment of 1 to 8, which `mi_malloc` always gives.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The largest alignment `mi_malloc` guarantees for a block at least that large: mimalloc's
/// `MI_MAX_ALIGN_SIZE` (`sizeof(max_align_t)`). Its own aligned entry serves an alignment of at
/// most this, no larger than the size, with a plain allocation (`mi_malloc_is_naturally_aligned`
/// in `alloc-aligned.c`).
const NATURAL_ALIGN: usize = 16;

/// Whether a plain allocation of `size` bytes is aligned to `align`.
#[inline]
fn naturally_aligned(size: usize, align: usize) -> bool {
    align <= NATURAL_ALIGN && align <= size
}

/// mimalloc, with the plain entries for naturally aligned layouts.
pub struct MiMalloc;

// SAFETY: every method returns memory from mimalloc that meets the layout's size and alignment,
// or null on failure, as `GlobalAlloc` requires:
// - a layout whose alignment is at most 16 and at most its size goes to the plain entry, which
//   mimalloc guarantees to be aligned to 16 for such sizes (see `NATURAL_ALIGN`); any other
//   goes to the aligned entry with the layout's alignment, which is a power of two as mimalloc
//   requires (`Layout` guarantees it).
// - `realloc` keeps the alignment: `mi_realloc` either keeps the block (already aligned) or
//   allocates as `mi_malloc` does, for the new size, which the check is made on.
// - `dealloc` is given only pointers from these methods, which are all mimalloc blocks, freed by
//   `mi_free` whatever entry allocated them.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if naturally_aligned(layout.size(), layout.align()) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if naturally_aligned(layout.size(), layout.align()) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (the caller's contract), so from mimalloc.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl; `ptr` came from this allocator.
        unsafe {
            if naturally_aligned(new_size, layout.align()) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every alignment up to 4 KiB and sizes around the size classes: the memory is aligned,
    /// writable to its end, keeps its bytes through growing and shrinking, and zeroed when asked.
    #[test]
    fn blocks_are_aligned_sized_and_keep_their_bytes() {
        let a = MiMalloc;
        let sizes = [
            1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 100, 1024, 4097, 70_000,
        ];
        for shift in 0..=12 {
            let align = 1usize << shift;
            for &size in &sizes {
                let layout = Layout::from_size_align(size, align).expect("valid layout");
                // SAFETY: a non-zero size; the pointers are used within their layouts and freed
                // once, with the layout they were made with.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    for i in 0..size {
                        p.add(i).write(i as u8);
                    }
                    let grown = size * 3 + 5;
                    let q = a.realloc(p, layout, grown);
                    assert!(!q.is_null());
                    assert_eq!(q as usize % align, 0, "grown {grown} align {align}");
                    for i in 0..size {
                        assert_eq!(q.add(i).read(), i as u8);
                    }
                    let grown_layout = Layout::from_size_align(grown, align).expect("valid");
                    let shrunk = size.div_ceil(2);
                    let r = a.realloc(q, grown_layout, shrunk);
                    assert!(!r.is_null());
                    assert_eq!(r as usize % align, 0, "shrunk {shrunk} align {align}");
                    for i in 0..shrunk {
                        assert_eq!(r.add(i).read(), i as u8);
                    }
                    a.dealloc(r, Layout::from_size_align(shrunk, align).expect("valid"));

                    let z = a.alloc_zeroed(layout);
                    assert!(!z.is_null());
                    assert_eq!(z as usize % align, 0);
                    assert!((0..size).all(|i| z.add(i).read() == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }

    #[test]
    fn natural_alignment_is_at_most_sixteen_and_the_size() {
        assert!(naturally_aligned(8, 8));
        assert!(naturally_aligned(16, 16));
        assert!(naturally_aligned(24, 8));
        assert!(!naturally_aligned(4, 8));
        assert!(!naturally_aligned(32, 32));
        assert!(!naturally_aligned(0, 1));
    }
}
