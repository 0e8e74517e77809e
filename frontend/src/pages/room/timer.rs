//! The step timer. The server keeps the end time; every screen counts down against its estimate of
//! the server's clock, so all screens show the same second.

use super::Now;
use crate::i18n::{T, use_i18n};
use crate::live::use_live;
use crate::storage;
use koersbord_shared::room::{Command, Timer};
use leptos::prelude::*;

/// `mm:ss` for time left; time over runs on with a minus sign, from the first whole second over
/// (never "-00:00").
pub fn format_remaining(ms: i64) -> String {
    let over = ms <= -1000;
    // Round up while counting down, so 00:00 shows exactly when the time is up.
    let secs = if over {
        (-ms) / 1000
    } else {
        (ms + 999) / 1000
    };
    format!(
        "{}{:02}:{:02}",
        if over { "-" } else { "" },
        secs / 60,
        secs % 60
    )
}

fn remaining(timer: &Timer, now: f64) -> i64 {
    timer.remaining_at(now.max(0.0) as u64)
}

#[component]
pub fn TimerDisplay() -> impl IntoView {
    let live = use_live();
    let now = expect_context::<Now>();
    let i18n = use_i18n();
    let timer = Memo::new(move |_| live.state.with(|s| s.as_ref().map(|s| s.timer)));
    let left = move || timer.get().map(|t| remaining(&t, now.0.get()));
    let expired = move || {
        timer
            .get()
            .is_some_and(|t| t.budget_ms > 0 || t.is_running())
            && left().is_some_and(|l| l <= 0)
    };
    let shown = move || {
        timer
            .get()
            .is_some_and(|t| t.budget_ms > 0 || t.is_running() || t.remaining_ms > 0)
    };

    // A soft chime on the facilitator's device when the time runs out, once per run.
    let chimed = StoredValue::new(false);
    Effect::new(move |_| {
        let is_up = expired() && timer.get().is_some_and(|t| t.is_running());
        if is_up && !chimed.get_value() {
            chimed.set_value(true);
            if live.is_facilitator() && !storage::sound_muted() {
                chime();
            }
        } else if !is_up {
            chimed.set_value(false);
        }
    });

    view! {
        <div class="timer" class:running=move || timer.get().is_some_and(|t| t.is_running())
            class:expired=expired class:hidden=move || !shown()
            role="timer" aria-label=i18n.t(T::Timer) data-testid="timer">
            <span class="timer-digits" data-testid="timer-digits">{move || left().map(format_remaining)}</span>
            {move || expired().then(|| view! { <span class="timer-up" data-testid="time-up">{i18n.t(T::TimeUp)}</span> })}
        </div>
    }
}

#[component]
pub fn TimerControls() -> impl IntoView {
    let live = use_live();
    let i18n = use_i18n();
    let timer = Memo::new(move |_| live.state.with(|s| s.as_ref().map(|s| s.timer)));
    let running = move || timer.get().is_some_and(|t| t.is_running());
    let at_budget = move || {
        timer
            .get()
            .is_some_and(|t| !t.is_running() && t.remaining_ms == t.budget_ms)
    };
    let send = move |cmd: Command| {
        let _ = live.command(cmd);
    };
    let muted = RwSignal::new(storage::sound_muted());
    let toggle_sound = move |_| {
        let next = !muted.get();
        storage::set_sound_muted(next);
        muted.set(next);
    };
    const MINUTE: i64 = 60_000;
    view! {
        <div class="timer-controls" data-testid="timer-controls">
            {move || if running() {
                view! { <button class="primary" data-testid="timer-pause" on:click=move |_| send(Command::PauseTimer)>{i18n.t(T::Pause)}</button> }.into_any()
            } else {
                view! {
                    <button class="primary" data-testid="timer-start" on:click=move |_| send(Command::StartTimer)>
                        {move || if at_budget() { i18n.tr(T::Start) } else { i18n.tr(T::Resume) }}
                    </button>
                }.into_any()
            }}
            <button class="secondary" data-testid="timer-minus" aria-label="-1 min" on:click=move |_| send(Command::AdjustTimer { delta_ms: -MINUTE })>"−1"</button>
            <button class="secondary" data-testid="timer-plus" aria-label="+1 min" on:click=move |_| send(Command::AdjustTimer { delta_ms: MINUTE })>"+1"</button>
            <button class="secondary" data-testid="timer-plus5" aria-label="+5 min" on:click=move |_| send(Command::AdjustTimer { delta_ms: 5 * MINUTE })>"+5"</button>
            <button class="secondary" data-testid="timer-reset" on:click=move |_| send(Command::ResetTimer)>{i18n.t(T::Reset)}</button>
            <button class="link-button" data-testid="sound-toggle" aria-pressed=move || (!muted.get()).to_string() on:click=toggle_sound>
                {move || if muted.get() { i18n.tr(T::SoundOff) } else { i18n.tr(T::SoundOn) }}
            </button>
        </div>
    }
}

/// Two soft sine tones, fading out: noticeable in a quiet room, never alarming.
fn chime() {
    let Ok(ctx) = web_sys::AudioContext::new() else {
        return;
    };
    let start = ctx.current_time();
    for (i, freq) in [660.0f32, 880.0].into_iter().enumerate() {
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
            return;
        };
        let at = start + i as f64 * 0.35;
        osc.frequency().set_value(freq);
        let _ = gain.gain().set_value_at_time(0.0, at);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.2, at + 0.03);
        let _ = gain
            .gain()
            .exponential_ramp_to_value_at_time(0.001, at + 1.2);
        let _ = osc.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&ctx.destination());
        let _ = osc.start_with_when(at);
        let _ = osc.stop_with_when(at + 1.3);
    }
}

#[cfg(test)]
mod tests {
    use super::format_remaining;

    #[test]
    fn formats_minutes_and_seconds_rounding_up_until_zero() {
        assert_eq!(format_remaining(20 * 60_000), "20:00");
        assert_eq!(format_remaining(59_001), "01:00");
        assert_eq!(format_remaining(1), "00:01");
        assert_eq!(format_remaining(0), "00:00");
        assert_eq!(format_remaining(-999), "00:00");
        assert_eq!(format_remaining(-1000), "-00:01");
        assert_eq!(format_remaining(-61_000), "-01:01");
    }
}
