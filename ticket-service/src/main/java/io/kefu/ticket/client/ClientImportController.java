package io.kefu.ticket.client;

import java.io.IOException;
import java.io.InputStream;

import io.kefu.common.error.KefuProblemException;
import io.kefu.ticket.client.ClientImport.Report;
import io.kefu.ticket.provider.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Tenant admins import a provider's customers from CSV or XLSX, with a per-row report. */
@RestController
@Tag(name = "customers")
class ClientImportController {

    private final ClientImport imports;

    ClientImportController(ClientImport imports) {
        this.imports = imports;
    }

    @PostMapping(path = "/api/customers/import", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Import customers from a .csv or .xlsx file (part 'file'); dryRun checks only")
    Report importFile(@RequestPart("file") @Nullable MultipartFile file, @RequestParam(defaultValue = "false") boolean dryRun) {
        Caller caller = Caller.require();
        caller.requireAdmin();
        if (file == null || file.isEmpty()) {
            throw new KefuProblemException(ClientImport.BAD_FILE, "Send the file as part 'file'");
        }
        try (InputStream in = file.getInputStream()) {
            return imports.run(caller, file.getOriginalFilename(), in, dryRun);
        } catch (IOException e) {
            throw new KefuProblemException(ClientImport.BAD_FILE, "The upload could not be read");
        }
    }
}
