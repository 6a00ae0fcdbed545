package io.syncgate.controller.ctl;

/** A failure to tell the operator in one line, without a stack trace (exit status 1). */
public final class CtlException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CtlException(String message) {
    super(message);
  }

  public CtlException(String message, Throwable cause) {
    super(message, cause);
  }
}
