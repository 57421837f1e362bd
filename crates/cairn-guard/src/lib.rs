//! Conversation safety for minors, on the device.
