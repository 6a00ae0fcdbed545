package io.syncgate.controller.kube;

/**
 * One leadership term of one gate: from the moment this controller takes the gate on (it leads)
 * until it lets it go (leadership lost, gate deleted). Every tick and status write carries the term
 * it started in and does nothing more once that term has ended. Touched on the controller's context
 * only.
 */
final class Term {

  private boolean ended;

  /** A term that has already ended: what a gate holds before it first leads. */
  static Term ended() {
    Term term = new Term();
    term.end();
    return term;
  }

  boolean current() {
    return !ended;
  }

  void end() {
    ended = true;
  }
}
