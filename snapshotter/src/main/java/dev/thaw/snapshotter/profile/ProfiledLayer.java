package dev.thaw.snapshotter.profile;

import dev.thaw.fuse.AccessObserver;
import dev.thaw.fuse.AccessedFile;
import java.util.ArrayList;
import java.util.List;

/**
 * The observer of one mounted layer: records each file's first open under every image that uses the
 * layer. A layer is mounted once, for the first image pulled with it; images pulled later that
 * share it are added with {@link #addImage} (their own layers' Prepares name the shared chain as
 * parent); adding one bumps {@link #generation()}, so each file's next open is reported again.
 *
 * <p>Thread-safe: {@link #opened} reads a copy-on-write list without locking.
 */
public final class ProfiledLayer implements AccessObserver {
  private final ProfileRecorder recorder;
  private final String layer;
  private volatile List<String> images;
  private volatile int generation;

  ProfiledLayer(ProfileRecorder recorder, String layer, String image) {
    this.recorder = recorder;
    this.layer = layer;
    this.images = List.of(image);
  }

  /** The layer's digest. */
  public String layer() {
    return layer;
  }

  /** The images whose profiles this layer's first opens go to, the mounting one first. */
  public List<String> images() {
    return images;
  }

  /** Adds {@code image} as a user of the layer (idempotent). */
  public synchronized void addImage(String image) {
    if (!images.contains(image)) {
      List<String> more = new ArrayList<>(images);
      more.add(image);
      images = List.copyOf(more);
      // the mount reports every file's next open again, now also for this image
      generation++;
    }
  }

  @Override
  public int generation() {
    return generation;
  }

  @Override
  public void opened(AccessedFile file) {
    recorder.opened(images, layer, file);
  }

  @Override
  public String toString() {
    return "layer " + layer + " profiled for " + images;
  }
}
