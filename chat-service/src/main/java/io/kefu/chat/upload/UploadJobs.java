package io.kefu.chat.upload;

import java.io.IOException;
import java.time.Duration;

import com.xxl.job.core.context.XxlJobHelper;
import com.xxl.job.core.handler.annotation.XxlJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Uploads that never became part of a message (a customer picked a photo and closed the mini-program)
 * would fill the store for ever: deleted after {@code kefu.chat.upload.orphan-after}. Also the running
 * instance's own leftovers (every instance also deletes its own as it works: {@link FileStorage#purgeLeftoversIfDue}).
 */
@Component
class UploadJobs {

    private static final Logger log = LoggerFactory.getLogger(UploadJobs.class);
    /** Longer than any upload or media send takes. */
    static final Duration LOCAL_LEFTOVERS = Duration.ofHours(1);

    private final UploadService uploads;
    private final UploadStore store;

    UploadJobs(UploadService uploads, UploadStore store) {
        this.uploads = uploads;
        this.store = store;
    }

    /** Returns how many orphaned uploads were deleted. */
    @XxlJob("upload-orphan-sweep")
    public int sweep() throws IOException {
        int orphans = uploads.deleteOrphans();
        int leftovers = store.purgeLocal(LOCAL_LEFTOVERS);
        if (orphans > 0 || leftovers > 0) {
            log.info("Deleted {} uploads no message carried and {} local leftovers", orphans, leftovers);
        }
        XxlJobHelper.log("deleted {} orphaned uploads, {} local leftovers", orphans, leftovers);
        return orphans;
    }
}
