/**
 * A short two-note chime for "a customer is waiting", synthesised with the Web Audio API so the
 * console ships no sound file. Quiet (peak gain 0.15) and under half a second.
 */
export function playHandoffChime(context: AudioContext): void {
  const start = context.currentTime + 0.01;
  const notes: readonly [frequency: number, offset: number][] = [
    [880, 0],
    [1318.5, 0.16],
  ];
  for (const [frequency, offset] of notes) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    const at = start + offset;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.28);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.3);
  }
}
