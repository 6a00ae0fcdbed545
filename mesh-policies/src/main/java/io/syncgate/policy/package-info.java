/**
 * The {@code ReplicaGate} custom resource ({@code syncgate.io/v1alpha1}): its model, the parsers of
 * its duration and size strings, and the validator that enforces the CRD's rules in Java.
 */
package io.syncgate.policy;
