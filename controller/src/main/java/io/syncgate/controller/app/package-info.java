/** The controller process without its command line: health server, metrics and controller. */
package io.syncgate.controller.app;
