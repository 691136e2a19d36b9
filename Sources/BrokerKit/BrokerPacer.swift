/// A per-broker token bucket: `rate` requests per second with bursts up to `burst`, and a pause after an
/// HTTP 429 (the broker's `Retry-After`, else exponential backoff). SEBI: 10 orders per second per API
/// account unless the strategy is exchange-registered.
public actor BrokerPacer {
    public let rate: Int
    private let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant
    private var pausedUntil: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    public init(rate: Int, burst: Int? = nil) {
        self.rate = max(rate, 1)
        self.burst = Double(max(burst ?? rate, 1))
        self.tokens = self.burst
        self.last = clock.now
    }

    /// Waits until a request may be sent, then takes one token.
    public func acquire() async {
        while true {
            let now = clock.now
            if let until = pausedUntil, until > now {
                try? await Task.sleep(until: until, clock: clock)
                continue
            }
            let elapsed = now - last
            last = now
            tokens = min(burst, tokens + Double(elapsed.components.seconds) * Double(rate)
                + Double(elapsed.components.attoseconds) / 1e18 * Double(rate))
            if tokens >= 1 {
                tokens -= 1
                return
            }
            let wait = (1 - tokens) / Double(rate)
            try? await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
            if Task.isCancelled { return }
        }
    }

    /// After an HTTP 429: no request goes out for `retryAfter` (seconds, from the header) or for
    /// `base × 2^attempt`, capped at 30 s; the bucket is emptied.
    public func backoff(retryAfter: Duration?, attempt: Int, base: Duration) {
        let exponential = base * (1 << min(attempt, 8))
        let pause = min(retryAfter ?? exponential, .seconds(30))
        pausedUntil = clock.now + pause
        tokens = 0
    }
}
