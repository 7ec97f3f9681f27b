// Standby lag from the primary's side, and whether a standby is still receiving WAL.
#include "probes/standby_lag.h"

#include <algorithm>

#include <fmt/format.h>

namespace drconsole::probes {

LagFigure behind_primary(double position, std::int64_t at_mono_us, const std::vector<WalPoint>& primary, bool primary_reachable) {
    LagFigure f;
    // The newest primary reading at or before the standby's: a later one would count WAL the
    // standby could not have had yet when it was read.
    auto ref = std::find_if(primary.rbegin(), primary.rend(), [&](const WalPoint& p) { return p.mono_us <= at_mono_us; });
    if (ref == primary.rend()) return f;
    f.method = primary_reachable ? kMethodWalPosition : kMethodLastKnown;
    f.bytes = std::max(0.0, ref->lsn - position);
    if (ref->lsn <= position) {
        f.seconds = 0;
        return f;
    }
    // Back from the reference while the primary was already past the standby's position: the
    // oldest such reading is when WAL the standby has not got was first seen.
    auto first = ref;
    while (std::next(first) != primary.rend() && std::next(first)->lsn > position) ++first;
    f.at_least = std::next(first) == primary.rend();
    std::int64_t end = primary_reachable ? at_mono_us : ref->mono_us;
    f.seconds = static_cast<double>(std::max<std::int64_t>(0, end - first->mono_us)) / 1e6;
    return f;
}

LagFigure one_shot_lag(std::optional<double> primary_lsn, double receive_lsn, double replay_lsn, std::optional<double> replay_age_s) {
    LagFigure f;
    f.method = kMethodReplayTimestamp;
    double behind = primary_lsn ? *primary_lsn - replay_lsn : receive_lsn - replay_lsn;
    f.bytes = std::max(0.0, behind);
    if (behind <= 0) f.seconds = 0;
    else if (replay_age_s) f.seconds = std::max(0.0, *replay_age_s);
    return f;
}

std::string not_receiving(const ReceiverState& receiver, std::optional<double> behind_bytes, std::optional<double> receive_lag_s,
                          double threshold_s, bool receive_lag_s_at_least) {
    const char* floor = receive_lag_s_at_least ? "at least " : "";
    auto for_how_long = [&]() -> std::string {
        if (receiver.silent_s && *receiver.silent_s >= threshold_s) return fmt::format(" for {:.0f} s", *receiver.silent_s);
        if (receive_lag_s && *receive_lag_s > 0) return fmt::format(" for {}{:.0f} s", floor, *receive_lag_s);
        return {};
    };
    if (!receiver.present) return fmt::format("not receiving{}: no WAL receiver running", for_how_long());
    if (!receiver.status.empty() && receiver.status != "streaming")
        return fmt::format("not receiving{}: WAL receiver is {}", for_how_long(), receiver.status);
    if (!behind_bytes || *behind_bytes <= 0) return {};
    // Behind the primary and silent: the walsender or the network has stalled.
    if (receiver.silent_s) {
        if (*receiver.silent_s >= threshold_s) return fmt::format("not receiving for {:.0f} s: nothing from the primary", *receiver.silent_s);
        return {};
    }
    if (receive_lag_s && *receive_lag_s >= threshold_s) return fmt::format("not receiving for {}{:.0f} s", floor, *receive_lag_s);
    return {};
}

StandbyFigures standby_figures(const StandbyReading& in) {
    StandbyFigures out;
    LagFigure& lag = out.lag;
    std::string silence;
    bool upper_bound = false;
    if (in.has_primary) {
        LagFigure received;
        if (!in.primary.empty()) {
            lag = behind_primary(in.replay_lsn, in.at_mono_us, in.primary, in.primary_reachable);
            received = behind_primary(in.receive_lsn, in.at_mono_us, in.primary, in.primary_reachable);
        }
        // With the primary gone, what the standby misses is frozen: it says nothing of how long.
        if (in.primary_reachable) silence = not_receiving(in.receiver, received.bytes, received.seconds, in.not_receiving_after_s, received.at_least);
        else silence = not_receiving(in.receiver, received.bytes, std::nullopt, in.not_receiving_after_s);
        if (!silence.empty() && !in.primary_reachable && !in.primary_never_read) silence += " (the primary is unreachable)";
        out.bytes_method = lag.method;  // the bytes are the primary's position minus the standby's, whatever bounds the seconds
        // The primary's readings do not reach back to where the standby stopped (a probe just
        // started): the age of the last replayed transaction bounds the lag from above.
        if (lag.at_least && lag.seconds && in.replay_age_s && *in.replay_age_s > *lag.seconds) {
            lag.seconds = *in.replay_age_s;
            lag.method = kMethodReplayTimestamp;
            lag.at_least = false;
            upper_bound = true;
        }
        out.provisional = lag.method.empty() && in.primary_never_read;
    } else {
        lag = one_shot_lag(std::nullopt, in.receive_lsn, in.replay_lsn, in.replay_age_s);
        out.bytes_method = lag.method;
        // Seen from the standby alone, "nothing to replay" means "caught up" only while it receives.
        silence = not_receiving(in.receiver, std::nullopt, std::nullopt, in.not_receiving_after_s);
        if (!silence.empty() && lag.seconds == 0.0) lag.seconds.reset();
    }
    out.receiving = silence.empty();
    if (!silence.empty()) out.problems.push_back(silence);
    if (in.replay_paused) out.problems.push_back("replay paused");
    if (!lag.seconds)
        out.problems.push_back(out.provisional ? "lag unknown until the primary's WAL position is read"
                               : in.has_primary && lag.method.empty() ? "lag unknown: the primary's WAL position was never read"
                                                                     : "lag unknown");
    bool notable = lag.seconds && *lag.seconds >= in.not_receiving_after_s;
    if (upper_bound && notable) out.notes.push_back(fmt::format("lag at most {:.0f} s (the last replayed transaction's age)", *lag.seconds));
    if (lag.at_least && notable) out.notes.push_back(fmt::format("lag at least {:.0f} s (older readings of the primary are gone)", *lag.seconds));
    return out;
}

}  // namespace drconsole::probes
