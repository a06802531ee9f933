//! Awaiting a JavaScript promise from Rust for two calls into JavaScript
//! (`Promise.resolve`, `then`) and no allocation of its own.
//!
//! `wasm_bindgen_futures::JsFuture` makes two closures per await, each created
//! through the glue, registered with a `FinalizationRegistry`, and destroyed
//! and unregistered once the promise settles: about eight boundary crossings
//! and four registry operations per await, twice per request. Here two
//! callbacks are made once per thread and bound once per slot
//! (`fulfilled.bind(null, slot)`); a slot is reused by the next await once its
//! promise settled, so an await only passes the slot's bound pair to `then`.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The promise `Promise.resolve` made (this realm's, so `then` is the builtin).
    type Resolved;
    #[wasm_bindgen(method)]
    fn then(this: &Resolved, fulfilled: &Function, rejected: &Function);
    /// One of the two callbacks made once per thread.
    type Callback;
    /// `callback.bind(null, slot)`.
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_slot(this: &Callback, this_arg: &JsValue, slot: u32) -> Function;
}

enum State {
    /// Free for the next await.
    Free,
    /// Its promise is pending; the waker of the task awaiting it, once polled.
    Waiting(Option<Waker>),
    /// Settled, not yet taken.
    Done(Result<JsValue, JsValue>),
    /// Its future was dropped first: freed when the promise settles.
    Dropped,
}

struct Slot {
    state: State,
    /// `fulfilled` and `rejected` bound to this slot's index.
    on_fulfilled: Function,
    on_rejected: Function,
}

struct Settler {
    fulfilled: Callback,
    rejected: Callback,
    slots: RefCell<Vec<Slot>>,
}

thread_local! {
    static SETTLER: Settler = Settler::new();
}

impl Settler {
    fn new() -> Self {
        // Made once per thread and kept for its life (`into_js_value` leaks the
        // Rust side on purpose: every slot's bound pair calls these).
        let fulfilled = Closure::<dyn FnMut(u32, JsValue)>::new(|slot, value| {
            settled(slot, Ok(value));
        })
        .into_js_value()
        .unchecked_into();
        let rejected = Closure::<dyn FnMut(u32, JsValue)>::new(|slot, reason| {
            settled(slot, Err(reason));
        })
        .into_js_value()
        .unchecked_into();
        Settler {
            fulfilled,
            rejected,
            slots: RefCell::new(Vec::new()),
        }
    }
}

/// A promise settled: keep the result for its future, wake the task awaiting it.
fn settled(slot: u32, result: Result<JsValue, JsValue>) {
    let waker = SETTLER.with(|s| {
        let mut slots = s.slots.borrow_mut();
        let slot = slots.get_mut(slot as usize)?;
        match std::mem::replace(&mut slot.state, State::Free) {
            State::Waiting(waker) => {
                slot.state = State::Done(result);
                waker
            }
            // Dropped (or a second call, which a promise never makes): nothing waits.
            _ => None,
        }
    });
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The settlement of `value` as JavaScript's `await` sees it: any thenable,
/// from any realm, is adopted by this realm's `Promise.resolve`; a plain value
/// resolves to itself.
pub(crate) fn settle(value: &JsValue) -> Settled {
    let promise = Promise::resolve(value).unchecked_into::<Resolved>();
    let index = SETTLER.with(|s| {
        let mut slots = s.slots.borrow_mut();
        let index = match slots.iter().position(|x| matches!(x.state, State::Free)) {
            Some(i) => i,
            None => {
                let i = slots.len() as u32;
                slots.push(Slot {
                    state: State::Free,
                    on_fulfilled: s.fulfilled.bind_slot(&JsValue::NULL, i),
                    on_rejected: s.rejected.bind_slot(&JsValue::NULL, i),
                });
                slots.len() - 1
            }
        };
        let slot = &mut slots[index];
        slot.state = State::Waiting(None);
        promise.then(&slot.on_fulfilled, &slot.on_rejected);
        index
    });
    Settled {
        index,
        taken: false,
    }
}

/// The future of [`settle`].
pub(crate) struct Settled {
    index: usize,
    taken: bool,
}

impl Future for Settled {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let index = self.index;
        let ready = SETTLER.with(|s| {
            let mut slots = s.slots.borrow_mut();
            let slot = &mut slots[index];
            match std::mem::replace(&mut slot.state, State::Free) {
                State::Done(result) => Some(result),
                other => {
                    slot.state = match other {
                        State::Waiting(_) => State::Waiting(Some(cx.waker().clone())),
                        other => other,
                    };
                    None
                }
            }
        });
        match ready {
            Some(result) => {
                self.taken = true;
                Poll::Ready(result)
            }
            None => Poll::Pending,
        }
    }
}

impl Drop for Settled {
    fn drop(&mut self) {
        if self.taken {
            return;
        }
        SETTLER.with(|s| {
            let mut slots = s.slots.borrow_mut();
            let slot = &mut slots[self.index];
            slot.state = match std::mem::replace(&mut slot.state, State::Free) {
                // Still pending: the slot is freed when the promise settles.
                State::Waiting(_) => State::Dropped,
                // Settled but never taken: free now.
                _ => State::Free,
            };
        });
    }
}
